"""Every registered domain loads and validates its data; rule data that does not validate fails
with file:line; each rule's wording is tied to its conditions; no phrase of an evaluation set
sits in a data file; each rule has a paraphrase that fires it and a near miss that does not
(tests/domain_cases/<domain>.toml); each kind of problem is read from paraphrases in the
traditional script and with a typo."""

from __future__ import annotations

import json
import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from falv.answer.analysis import analyse, read
from falv.domain.kinds import kinds
from falv.domain.registry import DOMAINS
from falv.domain.rulebook import DataFile, RulebookError, load_rulebook, load_vocabulary
from falv.text import normalize

CASES = Path(__file__).parent / "domain_cases"
FIXTURES = Path(__file__).parent / "fixtures"


def _rulebook(domain):
    if domain.id == "personal_info":
        from falv.domain.personal_info.rules import rulebook

        return rulebook()
    return domain.rulebook


def _vocabulary(domain):
    if domain.id == "personal_info":
        from falv.domain.personal_info.frame import _vocab

        return _vocab()
    return domain.vocabulary


def _cases(domain) -> dict:
    path = CASES / f"{domain.id}.toml"
    return tomllib.loads(path.read_text("utf-8")) if path.is_file() else {}


# -- loading and validation --------------------------------------------------------------------

def test_every_domain_loads_and_has_rules():
    assert {d.id for d in DOMAINS} >= {"personal_info", "labour"}
    for d in DOMAINS:
        book = _rulebook(d)
        assert book.rules, d.id
        assert len({(r.urgency, r.priority) for r in book.rules}) == len(book.rules), d.id
    assert set(kinds()) >= {d.kind for d in DOMAINS if hasattr(d, "kind")}


def _file(text: str) -> DataFile:
    return DataFile("x/data/rules.toml", tomllib.loads(text), tuple(text.splitlines()))


VOCAB = _file('[act.harass]\nterms = ["骚扰"]\n[act.sell]\nterms = ["卖"]\n')


@pytest.mark.parametrize("rules, message, line", [
    ('[[rule]]\nid = "a"\nurgency = 1\npriority = 1\nwhen = { act = ["harras"] }\ntext = "t"\n',
     "harras", 5),
    ('[[rule]]\nid = "a"\nurgency = 1\npriority = 1\nwhen = { acts = ["harass"] }\ntext = "t"\n',
     "acts", 5),
    ('[[rule]]\nid = "a"\nurgency = 1\npriority = 1\nwhen = { act = ["harass"] }\ntext = "t"\nchanels = []\n',
     "chanels", 7),
    ('[[rule]]\nid = "a"\nurgency = 1\nwhen = { act = ["harass"] }\ntext = "t"\n', "priority", 2),
    ('[[rule]]\nid = "a"\nurgency = 1\npriority = 1\ntext = "t"\n'
     '[[rule]]\nid = "b"\nurgency = 1\npriority = 1\ntext = "u"\n', "priority", 9),
    ('[[rule]]\nid = "a"\nurgency = 1\npriority = 1\ntext = "t"\nchannels = ["nowhere"]\n',
     "nowhere", 6),
])
def test_rule_data_that_does_not_validate_names_file_and_line(rules, message, line):
    vocab = load_vocabulary(VOCAB, ("act",))
    with pytest.raises(RulebookError) as err:
        load_rulebook(_file(rules), vocab, {}, channels=frozenset({"police"}))
    assert message in str(err.value)
    assert str(err.value).startswith(f"x/data/rules.toml:{line}:")


def test_vocabulary_that_does_not_validate_names_file_and_line():
    bad = _file('[act.sell]\nterms = ["卖"]\nunless = ["provide"]\n')
    with pytest.raises(RulebookError, match=r"^x/data/rules.toml:3: .*provide"):
        load_vocabulary(bad, ("act",))
    bad = _file('[act.sell]\nterm = ["卖"]\n')
    with pytest.raises(RulebookError, match=r"^x/data/rules.toml:2: .*term"):
        load_vocabulary(bad, ("act",))


# -- wording tied to conditions ------------------------------------------------------------------
# The fact words of a domain: the words of an actor standing as the subject of a clause (who
# did it: 「物业公开…」, not 「向运营商投诉」) unless the domain presumes that actor (`presumed`: the
# employer of a labour dispute, an indefinite 有人), and the `states` words any entry declares
# (the circumstances it stands for: 欠费, 乙肝, 工地 …) wherever they stand. A step that uses one
# states that fact of the case, so its rule must require the entry; a conditional clause (…的，/
# 如果…/是否…) or a parenthesis of examples states nothing.

_CLAUSE = re.compile(r"[^，。；：,;:]+")
_CONDITIONAL = re.compile(r"(的$|的话|的(可以|向|再|应当|须|由|也|先)|^(如果|若|如|凡|对于|无论|不论|不管)|是否|可能|或者)")
_PARENS = re.compile(r"（[^（）]*）")
_SUBJECT_LEAD = re.compile(r"^(你的|对方|是|由|被|而|但|且|并|再|又|也|先|若)?")


def _facts(vocab) -> dict[str, tuple[str, str, bool]]:
    """fact word → (dim, entry id, subject only)."""
    out = {}
    for dim in vocab.dims:
        for eid, entry in vocab[dim].items():
            for w in entry.get("states", []):
                out.setdefault(w, (dim, eid, False))
            if dim == "actor" and not entry.get("presumed"):
                for t in entry.terms:
                    if len(t) >= 2:
                        out.setdefault(t, (dim, eid, True))
    return out


def _required_words(vocab, when: dict) -> set[str]:
    """The words of every entry a rule's `when` requires (a fact word among them is tied)."""
    out: set[str] = set()
    for dim, ids in when.items():
        if dim in vocab.dims:
            for eid in ids:
                e = vocab[dim][eid]
                out |= set(e.terms) | set(e.get("states", []))
    return out


def _untied(text: str, when: dict, facts: dict, tied: set[str] = frozenset()) -> list[str]:
    """Fact words of `text` that are neither required by `when` nor said conditionally."""
    out = []
    for m in _CLAUSE.finditer(_PARENS.sub("", text)):
        clause = m.group(0).strip()
        if _CONDITIONAL.search(clause):
            continue
        subject = clause[_SUBJECT_LEAD.match(clause).end():]
        for word, (dim, eid, lead) in facts.items():
            found = subject.startswith(word) if lead else word in clause
            if found and eid not in when.get(dim, []) and word not in tied:
                out.append(word)
    return out


def test_every_rule_names_only_facts_its_conditions_require():
    """A step may state a fact of the case only when its rule's conditions require it (no 欠费
    unless arrears were read, no 招聘 unless hiring was)."""
    problems = []
    for d in DOMAINS:
        vocab = _vocabulary(d)
        facts = _facts(vocab)
        for r in _rulebook(d).rules:
            tied = _required_words(vocab, r.when)
            problems += [f"{d.id}:{r.id}: {w}" for w in _untied(r.text, r.when, facts, tied)]
    for kind in kinds().values():  # a floor holds for every question of its kind: no case facts
        for step in kind.steps:
            for d in DOMAINS:
                problems += [f"floor.{kind.id}: {w}" for w in _untied(step.text, {}, {
                    w: k for w, k in _facts(_vocabulary(d)).items() if not k[2]})]
    assert not problems, problems


def test_actor_wording_names_only_what_the_actor_is():
    """The words an actor lends to steps ({published} …) state no fact beyond that actor."""
    from falv.domain.personal_info.frame import _vocab

    vocab = _vocab()
    facts = {w: k for w, k in _facts(vocab).items() if not k[2]}
    problems = []
    for aid, entry in vocab["actor"].items():
        for key, words in entry.get("wording", {}).items():
            problems += [f"actor.{aid}.{key}: {w}" for w in _untied(words, {"actor": [aid]}, facts)]
    assert not problems, problems


# -- evaluation phrases never inside the data ------------------------------------------------------

PHRASE = 8  # characters: a phrase of a question, not a legal term


def _eval_questions() -> list[str]:
    paths = list(FIXTURES.glob("*.jsonl")) + list((FIXTURES / "blind").glob("*.jsonl"))
    shared = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
    if shared.is_file():
        paths.append(shared)
    out = []
    for p in paths:
        for line in p.read_text("utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                out.append(obj.get("question") or obj.get("query") or "")
    return out


def _data_texts() -> list[tuple[str, str]]:
    root = resources.files("falv.domain")
    out = []
    for area in [root] + [p for p in root.iterdir() if p.is_dir()]:
        for folder in ("data", "templates"):
            f = area.joinpath(folder)
            if f.is_dir():
                out += [(f"{area.name}/{folder}/{p.name}", p.read_text("utf-8")) for p in f.iterdir()
                        if p.name.endswith((".toml", ".md"))]
    return out


# terms of art a question and a rule may share without one being written from the other
LEGAL_TERMS = ("人身安全保护令", "拒不支付劳动报酬", "无固定期限劳动合同", "侵犯公民个人信息", "交通事故认定书",
               "劳动人事争议仲裁委员会", "个人信息保护法", "夫妻共同债务", "应当承担侵权责任", "道路交通事故",
               "法定代表人", "转移夫妻共同财产")


def test_no_phrase_of_an_evaluation_set_is_inside_the_data_files(store):
    """The rules are not written from the questions that measure them: no run of PHRASE
    characters of any evaluation question (dev, held-out, blind sets) occurs in a data file —
    but for law titles and terms of art (LEGAL_TERMS), which both quote."""
    data = [(name, normalize(text)) for name, text in _data_texts()]
    names = {l.title for l in store.laws()}
    names |= {t.removeprefix("中华人民共和国") for t in names}
    titles = sorted(names | set(LEGAL_TERMS), key=len, reverse=True)
    terms = re.compile("|".join(map(re.escape, titles)))
    found = []
    for q in _eval_questions():
        q = terms.sub("|", re.sub(r"\s", "", normalize(q)))  # law titles and terms of art apart
        for i in range(len(q) - PHRASE + 1):
            window = q[i:i + PHRASE]
            if re.search(r"[，。？！、：；,.?!:;“”（）()\"|]", window):
                continue
            found += [(name, window) for name, text in data if window in text]
    assert not found, sorted(set(found))[:20]


# -- paraphrases fire each rule; near misses do not ----------------------------------------------

def _rule_cases():
    out = []
    for d in DOMAINS:
        cases = _cases(d).get("rule", {})
        for r in _rulebook(d).rules:
            out.append(pytest.param(d.id, r.id, cases.get(r.id, {}), id=f"{d.id}:{r.id}"))
    return out


@pytest.mark.parametrize("domain_id, rule_id, case", _rule_cases())
def test_a_paraphrase_fires_each_rule_and_a_near_miss_does_not(domain_id, rule_id, case):
    assert case.get("fires") and case.get("misses"), f"tests/domain_cases/{domain_id}.toml: 缺少 [rule.{rule_id}]"
    for q in case["fires"]:
        a = analyse(q)
        answering = {a.domain.id} | ({a.reading.also.domain} if a.reading.also else set())
        assert domain_id in answering and not a.floor, (q, a.reading.to_dict())
        assert rule_id in [s.id for s in a.steps], (q, [s.id for s in a.steps])
    for q in case["misses"]:
        assert rule_id not in [s.id for s in analyse(q).steps], q


def _kind_cases():
    out = []
    for d in DOMAINS:
        for kind, spec in _cases(d).get("kind", {}).items():
            out += [pytest.param(kind, q, id=f"{kind}:{n}") for n, q in enumerate(spec["phrasings"])]
    return out


def test_every_kind_has_a_paraphrase_family():
    """≥ 3 phrasings per kind a domain answers, one in the traditional script, one with a typo."""
    for d in DOMAINS:
        for kind, spec in _cases(d).get("kind", {}).items():
            assert len(spec["phrasings"]) >= 3 and spec.get("traditional") and spec.get("typo"), kind
            assert set(spec["phrasings"]) >= {spec["traditional"], spec["typo"]}, kind


@pytest.mark.parametrize("kind, question", _kind_cases())
def test_each_kind_is_read_from_its_paraphrases(kind, question):
    reading, _ = read(question)
    kinds_read = {reading.kind} | ({reading.also.kind} if reading.also else set())
    assert kind in kinds_read and reading.confident, reading.to_dict()
