"""Answers to the adjacent cases (issue 12): the key articles are in 【法律依据】, the search noise
that used to join it is not, the most urgent step comes first, each channel card appears once,
and answers stay short. Runs on the store with the ../shared instruments imported."""

import pytest

from factories import composer as composer_for

C, M, X, Z = ("中华人民共和国个人信息保护法", "中华人民共和国民法典", "中华人民共和国刑法",
              "中华人民共和国治安管理处罚法")
NOISE = {(X, "第二百七十七条"), (X, "第二百九十一条之一"), (X, "第三百零七条"),
         ("中华人民共和国反食品浪费法", "第十条")}

CASES = [
    # question, key articles, the first step's rule (urgency: safety and money first)
    ("前男友威胁说要把我们的私密照片发到网上，还要我给他钱",
     {(X, "第二百七十四条"), (M, "第一千零三十二条"), (Z, "第五十条")}, "extortion"),
    ("有人在微博上造谣说我出轨，还骂我", {(M, "第一千零二十四条"), (X, "第二百四十六条")}, None),
    ("商家没经过我同意把我的照片用在广告里", {(M, "第一千零一十九条")}, None),
    ("信息泄露以后接到假客服电话，被骗了两万块钱",
     {(X, "第二百六十六条"), ("中华人民共和国反电信网络诈骗法", "第二十九条")}, "fraud"),
    ("学校把学生的家庭住址和父母电话发到了家长群里",
     {("中华人民共和国未成年人保护法", "第七十二条"), (C, "第三十一条")}, None),
    ("面试没通过，那家公司还留着我的简历和身份证复印件，我能要求删除吗", {(C, "第四十七条")}, None),
    ("公司在员工群里公布了我的工资和请病假的原因", {(C, "第二十五条"), (C, "第十三条")}, None),
    ("医院没经过我同意把我的病历给了保险公司", {(M, "第一千二百二十六条"), (C, "第二十八条")}, None),
    ("小区强制刷脸才能进门，不同意录人脸就不让进",
     {("最高人民法院关于审理使用人脸识别技术处理个人信息相关民事案件适用法律若干问题的规定", "第十条")}, None),
    ("物业把欠物业费业主的姓名和电话贴在电梯里公示", {(C, "第二十五条")}, None),
    ("有人在网上出售我的身份证信息", {(X, "第二百五十三条之一"), (C, "第十条")}, None),
    ("快递员把我的手机号和住址卖给了别人", {("快递暂行条例", "第三十五条"), (X, "第二百五十三条之一")}, None),
    ("前女友把我的聊天记录发到朋友圈", {(M, "第一千零三十二条"), (M, "第一千一百九十五条")}, None),
    ("被人开盒了怎么办", {("最高人民法院、最高人民检察院关于办理侵犯公民个人信息刑事案件适用法律若干问题的解释", "第三条"),
                   (X, "第二百五十三条之一")}, None),
    ("外卖小哥知道我住址后一直给我发微信", {(M, "第一千零三十三条"), (Z, "第五十条")}, None),
    ("演员对其饰演的角色是否具有肖像权", {(M, "第一千零一十八条")}, None),
]


@pytest.fixture
def composer(imported_store):
    return composer_for(imported_store)


@pytest.mark.parametrize("question,key,first", CASES, ids=[c[0][:10] for c in CASES])
def test_adjacent_case(composer, question, key, first):
    ans = composer.answer(question)
    basis = {(b.law, b.article) for b in ans.basis}
    assert key <= basis, (question, key - basis)
    assert not basis & NOISE
    assert all(b.origin != "search" for b in ans.basis)  # search hits are 相关法条 only
    assert len(ans.basis) <= 7 and len(ans.analysis) <= 6
    if first:
        assert ans.analysis[0].provenance[0].rule == first
    cards = [ch.id for p in ans.analysis for ch in p.channels]
    assert len(cards) == len(set(cards))  # each channel card once


@pytest.mark.parametrize("question,regulator", [
    ("快递员把我的手机号和住址卖给了别人", "postal"), ("房产中介把我的购房信息卖给了装修公司", "housing"),
    ("物业把我的电话公布在楼道里", "housing"), ("银行工作人员把我的存款信息透露给了别人", "financial_regulator"),
    ("医院泄露了我的病历", "health_authority"), ("学校把学生住址发到了家长群", "education"),
    ("公司在员工群里公布了我的工资", "hrss"), ("营业厅工作人员把我的通话记录给了别人", "miit"),
    ("网店卖家把我的住址泄露了", "samr"), ("有个App不给通讯录权限就不让用", "cac")])
def test_each_actor_goes_to_its_own_regulator(composer, question, regulator):
    ans = composer.answer(question)
    cards = [ch.id for p in ans.analysis for ch in p.channels]
    assert regulator in cards
    # a school is not a shop: no 12315 / 消协 for it
    if regulator in ("education", "hrss", "health_authority"):
        assert "samr" not in cards and "consumer_association" not in cards


def test_related_articles_are_labelled_as_search_results(composer):
    from falv.answer.render import render_text

    text = render_text(composer.answer("前男友威胁说要把我们的私密照片发到网上"))
    assert "【相关法条】（检索结果" in text


def test_a_grounded_answers_related_articles_sit_next_to_its_basis(composer):
    """The ranking for a revenge-porn threat also holds 检察官法/法官法/监察官法's 人身安全
    articles and 刑法's 妨害公务; an answer grounded in rules lists as 相关法条 only articles in the
    same law and chapter as one of its basis articles."""
    ans = composer.answer("前男友威胁我要把我们的私密照片发到网上，还要我给他转钱")
    near = {(b.law, b.chapter) for b in ans.basis}
    assert ans.analysis and ans.related
    assert all((r.law, r.chapter) in near for r in ans.related)
    assert not any("法官法" in r.law or "检察官法" in r.law for r in ans.related)
    assert ("中华人民共和国刑法", "第二百七十七条") not in {(r.law, r.article) for r in ans.related}


def test_no_answer_tells_its_reader_to_run_a_command(composer):
    import json

    for q, *_ in CASES:
        assert "falv " not in json.dumps(composer.answer(q).to_dict(), ensure_ascii=False)


@pytest.fixture
def seeded(imported_store):
    from pathlib import Path

    from falv.kb.ingest import ingest_files

    ingest_files(imported_store, [Path(__file__).parent / "fixtures" / "seed.txt"])
    imported_store.reload()
    return imported_store


def test_kb_points_keep_their_own_basis_and_mark_outdated_wording(seeded):
    ans = composer_for(seeded).answer("个人信息泄露找什么部门投诉")
    kb = [p for p in ans.analysis if p.source == "kb"]
    first = kb[0]
    # ㈠'s 法律依据 (民法典1038, 消法29) supports its third point, which names those laws — not the first
    assert ("中华人民共和国民法典", "第一千零三十八条") not in {(c.law, c.article) for c in first.citations}
    civil = [p for p in kb if "消费者权益保护法" in p.text and "民法典" in p.text]
    assert civil and ("中华人民共和国民法典", "第一千零三十八条") in {
        (c.law, c.article) for c in civil[0].citations}
    # outdated wording is corrected where it stands
    assert any("工商部门〔现为市场监督管理部门〕" in p.text for p in kb)
    # ㈠ point 二 and ㈣ say the same: one point, both sources
    complaint = [p for p in kb if "行业管理部门" in p.text]
    assert len(complaint) == 1
    assert {"㈠", "㈣"} <= {getattr(prov, "entry", None) for prov in complaint[0].provenance}
    assert len(ans.analysis) <= 6


def test_repealed_law_named_in_a_kb_point_is_marked_after_its_title(seeded):
    ans = composer_for(seeded).answer("快递信息泄露了怎么办")
    assert any("《侵权责任法》〔现为" in p.text for p in ans.analysis)


def test_stated_counts_give_a_severity_estimate(composer):
    ans = composer.answer("快递员把三千条客户信息卖了，获利2万元")
    assert ans.severity and ans.severity.estimate and ans.severity.level
    assert not [m for m in ans.missing if m.id == "counts"]


def test_letters_take_the_facts(composer):
    ans = composer.answer("快递员把我的手机号和住址卖给了别人，卖了3000条，获利2万元")
    letters = {l.kind: l.to_dict() for l in ans.letters}
    assert {"delete", "complaint", "police"} <= set(letters)
    complaint = letters["complaint"]
    assert complaint["fill"]["主管部门"].startswith("邮政管理部门")
    assert "《快递暂行条例》第三十五条" in complaint["text"] and "《中华人民共和国邮政法》第七十六条" in complaint["text"]
    assert "快递员把我的手机号和住址卖给了别人，卖了3000条" in complaint["fill"]["事实经过"]
    police = letters["police"]
    assert "3000" in police["fill"]["信息种类与数量"] and police["fill"]["情节估算"].startswith("情节严重")
    assert "手机号" in letters["delete"]["fill"]["删除范围"]
    for letter in ans.letters:  # each says what it asks for and by when a reply is expected
        assert "请求事项" in letter.text or "受案审查" in letter.text
        assert "答复期限" not in letter.missing and "【答复期限】" not in letter.text


def test_no_letter_to_a_regulator_when_nobody_holds_the_information(composer):
    ans = composer.answer("前男友威胁说要把我们的私密照片发到网上，还要我给他钱")
    assert not [l for l in ans.letters if l.kind in ("complaint", "delete")]


@pytest.mark.parametrize("question,key,rule", [
    ("我的微信号被别人盗了，他用我的号借钱", {(X, "第二百六十六条")}, "account_takeover"),
    ("有人用我的照片和名字注册了一个账号到处加人", {(M, "第一千零一十四条"), (M, "第一千零一十九条")}, "impersonate_account"),
    ("公司监控员工电脑和聊天记录合法吗", {(C, "第十三条"), (M, "第一千零三十三条")}, "monitoring_employer"),
    ("房东在出租屋里装了摄像头", {(M, "第一千零三十三条"), (Z, "第五十条")}, "peep"),
    ("社区把我的核酸检测阳性信息发到了业主群", {(C, "第二十五条"), (C, "第二十八条")}, "holder_published"),
])
def test_more_adjacent_cases(composer, question, key, rule):
    ans = composer.answer(question)
    assert key <= {(b.law, b.article) for b in ans.basis}
    assert rule in [getattr(p.provenance[0], "rule", None) for p in ans.analysis]


@pytest.mark.parametrize("question", [
    "网购的产品与描述不符，存在质量问题，平台应该赔偿吗", "利用无效经济合同诈骗贷款可构成贷款诈骗罪吗",
    "寄送快递被弄丢了，快递公司只赔偿保价范围内的钱款怎么办"])
def test_consumer_and_doctrinal_questions_get_no_personal_information_rules(composer, question):
    ans = composer.answer(question)
    pi = [p.text for p in ans.analysis
          if p.source == "rule" and getattr(p.provenance[0], "domain", None) == "personal_info"]
    assert not pi, pi


def test_every_rule_article_is_current_in_the_store_and_every_channel_exists(full_store):
    """The rule tables name articles (quoted at run time) and channels: each must exist, in force
    (in the store with LawRefBook imported: 征信业管理条例 is a regulation)."""
    from falv.domain.basis import quote
    from falv.domain.channels import channel_table
    from falv.domain.personal_info.frame import actor_entry, vocabulary
    from falv.domain.personal_info.rules import rules

    bases = [b for r in rules() for b in r.basis]
    for eid in vocabulary()["actor"]:
        entry = actor_entry(eid)
        bases += list(entry.duty) + list(entry.regulator_basis)
        assert entry.regulator is None or entry.regulator in channel_table()
    for b in bases:
        q = quote(full_store, b)
        assert q["text"] and q["verdict"] == "ok", (b, q.get("detail"))
    for r in rules():
        assert all(c == "{regulator}" or c in channel_table() for c in r.channels), r.id
