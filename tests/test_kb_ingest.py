"""Ingestion into the knowledge base: the seed (with and without imported statutes), merging,
point deduplication, quoted-by-source articles, annotations, rejections leave the store unchanged.

Quoted article texts in generated documents are read from the store, never typed.
"""

from __future__ import annotations

import random

import pytest

from conftest import SEED
from factories import seed_document, store_rows
from falv.errors import ImportRejected
from falv.kb.ingest import ingest_files
from falv.kb.similar import QuestionIndex, bigrams, jaccard, question_key
from falv.kb.store import KnowledgeBase

DECISION = "全国人民代表大会常务委员会关于加强网络信息保护的决定"
CIVIL = "中华人民共和国民法典"


def verdicts(entry, roles=("basis",)):
    return {(c.law, c.article): c.verdict.kind for a in entry.answers
            for c in (a.basis + a.references) if c.role in roles}


def test_seed_before_statute_import(store):
    report = ingest_files(store, [SEED])
    assert report.changed and report.files[0]["action"] == "added"
    kb = KnowledgeBase(store.own)
    entries = kb.entries()
    assert [e.question for e in entries] == ["个人信息泄露找什么部门投诉", "快递信息泄露了怎么办",
                                            "信息泄露怎么处理怎么举报"]
    complaint, express, report_q = entries
    assert [a.provenance["entry"] for a in complaint.answers] == ["㈠", "㈣", "㈤"]
    assert [a.provenance["entry"] for a in express.answers] == ["㈡"]
    assert verdicts(complaint) == {
        (CIVIL, "第一千零三十八条"): "ok", ("中华人民共和国消费者权益保护法", "第二十九条"): "ok",
        (CIVIL, "第一千零三十四条"): "ok", (DECISION, "第一条"): "unverifiable",
        (DECISION, "第八条"): "unverifiable"}
    assert verdicts(express) == {("中华人民共和国刑法", "第二百八十六条之一"): "partial_quote"}
    [two_high] = report_q.basis
    assert two_high.article == "第五条" and two_high.verdict.kind == "unverifiable"
    # the 刑法 article mentioned inside the quoted 两高解释 text is kept as a reference
    assert {(c.law, c.article, c.verdict.kind) for c in report_q.answers[0].references} == {
        ("中华人民共和国刑法", "第二百五十三条之一", "ok")}
    basis_block = sum(len(a.basis) + len(a.references) for e in entries for a in e.answers)
    assert basis_block >= 8
    # every basis citation keeps the quoted text and where it stands
    b = complaint.answers[0].basis[0]
    assert b.quoted_text.startswith("信息处理者不得泄露") and b.provenance == {
        "file": str(SEED), "entry": "㈠", "line_start": 7, "line_end": 8}


def test_seed_annotations_never_rewrite_text(store):
    ingest_files(store, [SEED])
    entries = {e.question: e for e in KnowledgeBase(store.own).entries()}
    for question in ("个人信息泄露找什么部门投诉", "快递信息泄露了怎么办", "信息泄露怎么处理怎么举报"):
        notes = entries[question].annotations
        assert any(n.term == "工商部门" and n.replacement == "市场监督管理部门" for n in notes), question
    express = entries["快递信息泄露了怎么办"]
    [repeal] = [n for n in express.annotations if n.term == "侵权责任法"]
    assert repeal.kind == "repealed" and "民法典" in repeal.replacement
    point = next(p for p in express.points if p.id == repeal.point_id)
    assert point.text[repeal.span[0]:repeal.span[1]] == "侵权责任法"  # text kept as written
    assert point.provenance["entry"] == "㈡" and point.provenance["line_start"] == 16
    # analysis citations carry verdicts too (侵权责任法 → repealed)
    assert any(c.verdict.kind == "repealed" for c in point.citations)
    # ㈤ does not say 工商部门: its point has no annotation
    e5 = entries["个人信息泄露找什么部门投诉"].answers[2]
    assert e5.points and not any(p.annotations for p in e5.points)


def test_unverifiable_quotes_become_quoted_by_source_articles(store):
    ingest_files(store, [SEED])
    kb = KnowledgeBase(store.own)
    quoted = {c.article: c for c in kb.get("1").basis if c.law == DECISION}
    law = store.current_law(DECISION)
    assert law.source == "quoted" and law.law_id.startswith("q-")
    for article_no in ("第一条", "第八条"):
        art = store.get_article(DECISION, article_no)
        assert art.text == quoted[article_no].quoted_text
        assert quoted[article_no].quoted_law_id == law.law_id
    assert store.is_current(law) is False  # never served as a verified statute


def test_seed_after_statute_import(imported_store):
    report = ingest_files(imported_store, [SEED])
    assert report.files[0]["quoted_articles"] == []
    entries = KnowledgeBase(imported_store.own).entries()
    complaint, _, report_q = entries
    assert verdicts(complaint)[(DECISION, "第一条")] == "ok"
    assert verdicts(complaint)[(DECISION, "第八条")] == "ok"
    assert [c.verdict.kind for c in report_q.basis] == ["ok"]
    assert all(c.passed for e in entries for c in e.basis)


def test_reingest_is_unchanged(store):
    ingest_files(store, [SEED])
    kb = KnowledgeBase(store.own)
    before = store_rows(kb.conn)
    report = ingest_files(store, [SEED])
    assert report.files[0]["action"] == "unchanged" and not report.changed
    assert store_rows(kb.conn) == before


def test_dry_run_reports_and_writes_nothing(store):
    kb = KnowledgeBase(store.own)
    before = store_rows(kb.conn)
    report = ingest_files(store, [SEED], dry_run=True)
    assert report.dry_run and [e["merged"] for e in report.files[0]["entries"]] == [
        False, False, False, True, True]
    assert len(report.files[0]["quoted_articles"]) == 3
    assert store_rows(kb.conn) == before and kb.count() == 0
    assert store.current_law(DECISION) is None


def _doc(store, tmp_path, name, entries):
    """A seed-format file; each entry: (marker, question, analysis lines, [(law, article_no)]),
    with the quoted text read from the store."""
    return seed_document(tmp_path / name, [
        (marker, question, analysis,
         [(law, no, store.get_article(law, no).text.splitlines()[0]) for law, no in cites])
        for marker, question, analysis, cites in entries])


def test_identical_points_are_stored_once_with_every_provenance(store, tmp_path):
    f = _doc(store, tmp_path, "dup.txt", [
        ("㈠", "个人信息泄露找什么部门投诉", ["1、可向公安机关报案。", "2、可向网信部门举报。"],
         [(CIVIL, "第一千零三十四条")]),
        ("㈡", "个人信息泄露找什么部门投诉？", ["1、可向公安机关报案．", "2、可以起诉。"],
         [(CIVIL, "第一千零三十四条")]),
    ])
    ingest_files(store, [f])
    [entry] = KnowledgeBase(store.own).entries()
    assert [p.text for p in entry.points] == ["可向公安机关报案。", "可向网信部门举报。", "可以起诉。"]
    first = entry.points[0]
    assert [(x["entry"], x["line_start"]) for x in first.provenances] == [("㈠", 2), ("㈡", 7)]
    assert [len(a.points) for a in entry.answers] == [2, 1]


def test_near_duplicates_merge_and_similar_questions_stay_apart(store, tmp_path):
    ingest_files(store, [SEED])
    f = _doc(store, tmp_path, "more.txt", [
        ("㈠", "个人信息泄露找什么部门投诉呢", ["可以投诉。"], [(CIVIL, "第一千零三十八条")]),
        ("㈡", "信息泄露怎么处理", ["可以处理。"], [(CIVIL, "第一千零三十八条")]),
    ])
    report = ingest_files(store, [f])
    merged = [(e["entry_id"], e["merged"]) for e in report.files[0]["entries"]]
    assert merged == [("1", True), ("4", False)]  # 信息泄露怎么处理 ≠ 信息泄露怎么处理怎么举报
    assert len(KnowledgeBase(store.own).get("1").answers) == 4


def test_similarity_threshold_is_conservative():
    a, b, c = (question_key(q) for q in ("个人信息泄露找什么部门投诉", "信息泄露怎么处理怎么举报",
                                         "个人信息泄露找什么部门投诉？"))
    assert jaccard(bigrams(a), bigrams(b)) < 0.3
    assert a == c  # punctuation at the end does not count


def test_question_index_prefix_filter_agrees_with_brute_force():
    rng = random.Random(7)
    alphabet = "个人信息泄露找什么部门投诉快递怎么办处理举报公司"
    keys = ["".join(rng.choice(alphabet) for _ in range(rng.randint(4, 12))) for _ in range(300)]
    index = QuestionIndex()
    stored: list[tuple[int, str]] = []
    for i, key in enumerate(keys, 1):
        found = index.find(key)
        brute = [eid for eid, k in stored if k == key or jaccard(bigrams(k), bigrams(key)) >= 0.8]
        if found is None:
            assert brute == []
            index.add(i, key)
            stored.append((i, key))
        else:
            assert found in brute


def test_mismatched_quote_is_stored_with_its_diff(store, tmp_path):
    text = store.get_article(CIVIL, "第一千零三十四条").text.splitlines()[0]
    altered = text.replace("个人信息", "个人资料", 1)
    f = tmp_path / "mis.txt"
    f.write_text(f"㈠ 问题\n法律分析:回答。\n法律依据:《{CIVIL}》第一千零三十四条 {altered}\n", "utf-8")
    ingest_files(store, [f])
    [cit] = KnowledgeBase(store.own).get("1").basis
    assert cit.verdict.kind == "mismatch" and cit.verdict.diff and not cit.passed


BAD_FILES = {
    "no_entry.txt": ("没有任何编号的问题。\n".encode(), "no_entry.txt:1"),
    "no_answer.txt": ("㈠ 问题甲\n法律分析:回答。\n㈡ 问题乙\n".encode(), "no_answer.txt:3"),
    "unknown_label.txt": ("㈠ 问题甲\n【裁判要旨】:要旨。\n".encode(), "unknown_label.txt:2"),
    "encoding.txt": (b"\xe3\x88\xa0 ok\n\xff\xfe\x00\x81\x30\n", "encoding.txt:2"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_rejected_file_leaves_the_store_unchanged(store, tmp_path, name):
    ingest_files(store, [SEED])
    kb = KnowledgeBase(store.own)
    before = store_rows(kb.conn)
    good = _doc(store, tmp_path, "good.txt", [("㈠", "新的问题", ["新的回答。"], [(CIVIL, "第一千零三十四条")])])
    data, where = BAD_FILES[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    with pytest.raises(ImportRejected) as exc:
        ingest_files(store, [good, bad])  # the good file of the batch is not written either
    assert exc.value.location == str(tmp_path / where)
    assert store_rows(kb.conn) == before
    assert kb.count() == 3


def test_questions_differing_in_a_number_stay_apart():
    index = QuestionIndex()
    index.add(1, question_key("民法典第1038条规定了什么内容"))
    assert index.find(question_key("民法典第1039条规定了什么内容")) is None
    assert index.find(question_key("民法典第1038条规定了什么内容呢")) == 1


def test_official_text_imported_later_takes_precedence(store, statute_files):
    """Quoted-by-source articles stand in only until the instrument itself is imported."""
    from falv.law.importer import import_files
    from falv.law.verify import verify_text

    ingest_files(store, [SEED])
    assert store.current_law(DECISION).source == "quoted"
    import_files(store, statute_files)
    assert store.current_law(DECISION).source == "import"
    assert store.get_article(DECISION, "第八条").law.source == "import"
    # the quoted 两高解释 was stored under the importer's spelling of the title: one title, two
    # versions, the imported one first
    [two_high] = [t for t in store.titles() if "侵犯公民个人信息刑事案件" in t]
    assert [l.source for l in store.laws_by_title(two_high)] == ["import", "quoted"]
    checked = verify_text(store, SEED.read_text("utf-8"), quotes=True)
    assert {c.verdict.kind.value for c in checked if c.verdict.law == DECISION} == {"ok"}


def test_display_names_are_recorded_as_provenance(store, tmp_path):
    upload = tmp_path / "upload-3f2a.txt"
    upload.write_bytes(SEED.read_bytes())
    ingest_files(store, [upload], names=["seed.txt"])
    assert KnowledgeBase(store.own).get("2").answers[0].provenance["file"] == "seed.txt"
    bad = tmp_path / "upload-9c1d.txt"
    bad.write_text("没有条目\n", "utf-8")
    with pytest.raises(ImportRejected) as exc:
        ingest_files(store, [bad], names=["mine.txt"])
    assert exc.value.location == "mine.txt:1"


def test_questions_and_entries_by_id(store):
    ingest_files(store, [SEED])
    kb = KnowledgeBase(store.own)
    assert kb.questions() == [("1", "个人信息泄露找什么部门投诉"), ("2", "快递信息泄露了怎么办"),
                              ("3", "信息泄露怎么处理怎么举报")]
    some = kb.entries(ids=["3", "1"])
    assert [e.id for e in some] == ["1", "3"]
    assert [e.to_dict() for e in some] == [kb.get("1").to_dict(), kb.get("3").to_dict()]
    assert [e.to_dict() for e in kb.entries()][1] == kb.get(2).to_dict()


def test_reverify_after_statute_import_updates_verdicts(store, statute_files):
    from falv.kb.ingest import reverify
    from falv.law.importer import import_files

    ingest_files(store, [SEED])
    kb = KnowledgeBase(store.own)
    assert reverify(store)["changed"] == []  # nothing changed in the store: nothing to update
    import_files(store, statute_files)
    before = store_rows(kb.conn)
    preview = reverify(store, dry_run=True)
    assert store_rows(kb.conn) == before
    report = reverify(store)
    assert report["changed"] == preview["changed"]
    assert {(c["article"], c["old"], c["new"]) for c in report["changed"] if c["role"] == "basis"} == {
        ("第一条", "unverifiable", "ok"), ("第八条", "unverifiable", "ok"),
        ("第五条", "unverifiable", "ok")}
    entries = kb.entries()
    assert all(c.verdict.kind in ("ok", "partial_quote") for e in entries for c in e.basis)
    assert verdicts(entries[1]) == {("中华人民共和国刑法", "第二百八十六条之一"): "partial_quote"}


def test_batches_reuse_checks_only_while_the_statutes_are_unchanged(store, statute_files, tmp_path):
    """A later batch of the same process reuses the verdicts of earlier ones (issue 11) only
    while nothing changed what they were checked against: a statute import, or a batch that
    stored texts quoted by a source, makes the next batch check again."""
    from falv.law.importer import import_files
    from falv.law.verify import verify_text

    point = f"依照《{DECISION}》第一条处理。"

    def ingest(name, question, extra=""):
        f = tmp_path / name
        f.write_text(f"㈠ {question}\n法律分析:\n1、{point}\n{extra}", "utf-8")
        [entry] = ingest_files(store, [f]).files[0]["entries"]
        [p] = KnowledgeBase(store.own).get(entry["entry_id"]).points
        return [(c.verdict.kind.value, c.verdict.detail) for c in p.citations]

    def fresh():
        return [(c.verdict.kind.value, c.verdict.detail) for c in verify_text(store, point)]

    first = ingest("a.txt", "网站泄露了我的手机号码")
    assert first == fresh() and first[0][0] == "unverifiable"
    # this batch also stores the text its 法律依据 quotes: the law now exists, as quoted text
    quote = SEED.read_text("utf-8").splitlines()[30]
    assert quote.startswith(f"《{DECISION}》第一条")
    second = ingest("b.txt", "快递公司把我的地址卖给别人", f"法律依据:\n{quote}\n")
    assert second == first
    third = ingest("c.txt", "外卖平台泄露订单信息")
    assert third == fresh() != second
    import_files(store, statute_files)
    fourth = ingest("d.txt", "银行员工出售客户资料")
    assert fourth == fresh() and fourth[0][0] == "ok"


def test_ingest_keeps_no_store_alive(falv_home, tmp_path):
    """What an ingest keeps for the next batch (question index, checked citations) is held per
    store, weakly: a server ingests on a store of its own each time, and must not keep them all."""
    import gc
    import weakref

    from falv.law.store import StatuteStore

    f = tmp_path / "a.txt"
    f.write_text(f"㈠ 网站泄露了我的手机号码\n法律分析:\n1、依照《{CIVIL}》第一千零三十四条处理。\n", "utf-8")
    side = StatuteStore()
    ingest_files(side, [f])
    ref = weakref.ref(side)
    side.close()
    del side
    gc.collect()
    assert ref() is None
