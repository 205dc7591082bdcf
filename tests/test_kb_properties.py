"""Properties of ingestion on generated documents: only FalvError ever escapes, a rejected batch
writes nothing, and export → import into an empty store → export is byte-identical."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import store_rows
from falv.errors import FalvError
from falv.kb.ingest import ingest_files
from falv.kb.store import KnowledgeBase

# fragments only: citation shapes, labels, enumerations and filler — no statute text
FRAGMENTS = ["《民法典》第一千零三十四条", "《刑法》 第二百八十六条 之一", "《侵权责任法》", "工商部门",
             "《关于加强网络信息保护的决定》 八、", "第五条", "本法第三条", "同法", "“引号”", "(一)",
             "1、", "一、", "可以投诉。", "信息泄露", "个人信息", "  ", "，", "。", "A1", "個人資訊",
             "【法律依据】", "法律分析:", "第9999条"]
line = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map("".join)
entry = st.tuples(st.sampled_from("㈠㈡㈢㈣㈤"), line, st.lists(line, max_size=3),
                  st.lists(line, max_size=3), st.booleans())


def render(entries) -> str:
    out = []
    for marker, question, analysis, basis, labelled in entries:
        out.append(f"{marker} {question}")
        if labelled:
            out.append("法律分析:")
        out.extend(analysis)
        if basis:
            out.append("【法律依据】:")
            out.extend(basis)
    return "\n".join(out) + "\n"


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(entry, min_size=1, max_size=4))
def test_ingest_generated_documents(tmp_path_factory, entries):
    from falv.law.store import StatuteStore

    tmp = tmp_path_factory.mktemp("prop")
    os.environ["FALV_HOME"] = str(tmp / "home")
    doc = tmp / "doc.txt"
    doc.write_text(render(entries), "utf-8")
    with StatuteStore() as store:
        kb = KnowledgeBase(store.own)
        before = store_rows(kb.conn)
        try:
            ingest_files(store, [doc])
        except FalvError:
            assert store_rows(kb.conn) == before
            return
        exported = "".join(line + "\n" for line in kb.export_lines())
        original = [e.to_dict() for e in kb.entries()]
    os.environ["FALV_HOME"] = str(tmp / "home2")
    with StatuteStore() as store2:
        kb2 = KnowledgeBase(store2.own)
        kb2.import_jsonl(exported, "x.jsonl")
        assert "".join(line + "\n" for line in kb2.export_lines()) == exported
        assert [e.to_dict() for e in kb2.entries()] == original
