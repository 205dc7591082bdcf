"""Every citation in the domains' data files (rules, channels, kinds' floors, the personal-
information frame and thresholds) and letter templates passes falv's verifier — as a Citation
value (falv.law.verify.verify) and as text through `falv verify` (find → resolve → verify) —
against the base database plus the nine ../shared statute files plus LawRefBook's three folders.
Without LawRefBook, exactly the citations of instruments only it supplies are unverifiable."""

from __future__ import annotations

import json
import tomllib
from importlib import resources

import pytest

from falv import cli
from falv.domain.basis import Basis, parse_basis, parse_clause
from falv.domain.channels import channel_table
from falv.domain.drafts import templates
from falv.domain.kinds import kinds
from falv.domain.registry import DOMAINS
from falv.law.models import ArticleRef, Citation
from falv.law.verify import verify, verify_text
from falv.text import parse_article_no

PI_DATA = resources.files("falv.domain.personal_info").joinpath("data")


def _pi_toml(name: str) -> dict:
    return tomllib.loads(PI_DATA.joinpath(name).read_text("utf-8"))


def all_citations() -> list[tuple[str, Basis]]:
    """(where, basis) for every article named anywhere in the domains' data and templates."""
    out = []
    for cid, ch in channel_table().items():
        out += [(f"channels.toml:{cid}", b) for b in ch.basis]
    for d in DOMAINS:
        for rule in d.rulebook.rules:
            out += [(f"{d.id}/rules.toml:{rule.id}", b) for b in rule.basis]
    for kid, spec in kinds().items():
        out += [(f"kinds.toml:{kid}", b) for s in spec.steps for b in s.basis]
    for aid, actor in _pi_toml("frame.toml")["actor"].items():
        for key in ("duty", "regulator_basis"):
            out += [(f"frame.toml:actor.{aid}.{key}", parse_basis(b)) for b in actor.get(key, [])]
    th = _pi_toml("thresholds.toml")
    law = th["source"]["law"]
    out.append(("thresholds.toml:crime", parse_clause(th["source"]["crime_law"],
                                                      th["source"]["crime_article"])))
    out.append(("thresholds.toml:below_threshold", parse_clause(th["below_threshold"]["law"],
                                                                th["below_threshold"]["article"])))
    for key, value in th.items():
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            for field in ("clause", "profit_clause", "prior_clause", "resale_clause"):
                if field in entry:
                    out.append((f"thresholds.toml:{key}.{field}", parse_clause(law, entry[field])))
    for kind, t in templates().items():
        out += [(f"templates/{kind}", b) for b in t.cites]
    return out


CITATIONS = all_citations()
UNIQUE = list(dict.fromkeys(f"《{b.law}》{b.clause}" for _, b in CITATIONS))


def test_the_collection_is_complete_enough():
    where = {w.split(":")[0].split("/")[-1] for w, _ in CITATIONS}
    assert where >= {"channels.toml", "rules.toml", "kinds.toml", "frame.toml", "thresholds.toml"}
    assert {w.split("/")[0] for w, _ in CITATIONS if "rules.toml" in w} == {d.id for d in DOMAINS}
    assert {w.split("/")[1] for w, _ in CITATIONS if w.startswith("templates/")} == set(templates())
    assert len(CITATIONS) > 300


def _citation(b: Basis) -> Citation:
    number, suffix = parse_article_no(b.article)
    raw = f"《{b.law}》{b.clause}"
    return Citation(law_text=b.law, ref=ArticleRef(number, suffix, b.paragraph, b.item),
                    span=(0, len(raw)), raw=raw)


@pytest.mark.shared
def test_every_citation_passes_the_verifier(full_store):
    failures = []
    for where, b in CITATIONS:
        verdict = verify(full_store, _citation(b))
        if not verdict.passed:
            failures.append(f"{where}: 《{b.law}》{b.clause} → {verdict.kind.value} {verdict.detail}")
    assert not failures, "\n".join(failures)


@pytest.mark.shared
def test_every_citation_passes_verify_text(full_store):
    """The same citations written as a user would see them, found and resolved from text."""
    checked = verify_text(full_store, "\n".join(UNIQUE))
    assert len(checked) == len(UNIQUE)
    bad = [c.to_dict() for c in checked if c.verdict.kind.value not in ("ok", "partial_quote")]
    assert not bad, bad


@pytest.mark.shared
def test_falv_verify_command_accepts_every_citation(capsys, full_store, tmp_path):
    from falv.commands.common import store

    store.cache_clear()
    path = tmp_path / "toolkit-citations.txt"
    path.write_text("\n".join(UNIQUE), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        cli.main(["verify", str(path), "--json"])
    rows = json.loads(capsys.readouterr().out)["citations"]
    store.cache_clear()
    assert (exc.value.code or 0) == 0
    assert len(rows) == len(UNIQUE) and {r["verdict"] for r in rows} == {"ok"}


@pytest.mark.shared
def test_without_lawrefbook_only_its_instruments_are_unverifiable(imported_store, full_store):
    """On the nine statute files alone, a citation passes unless its instrument is one only
    LawRefBook supplies; then it is unverifiable and says the text can be imported."""
    only_lrb = set(full_store.titles()) - set(imported_store.titles())
    for where, b in CITATIONS:
        verdict = verify(imported_store, _citation(b))
        if b.law in only_lrb:
            assert verdict.kind.value == "unverifiable" and "导入" in verdict.detail, (where, b.law)
        else:
            assert verdict.passed, (where, b.law, b.clause, verdict.detail)


def test_without_imports_only_imported_instruments_are_unverifiable(store):
    """Before `falv statutes import`, base-DB citations pass; the rest are unverifiable."""
    base_titles = set(store.titles())
    for where, b in CITATIONS:
        verdict = verify(store, _citation(b))
        if b.law in base_titles:
            assert verdict.passed, (where, b.law, b.clause, verdict.detail)
        else:
            assert verdict.kind.value == "unverifiable", (where, b.law)


def test_rendered_outputs_cite_only_verifiable_articles(imported_store):
    """What users read (route steps, drafts) carries citations that falv verify accepts, or —
    for an instrument the store lacks — marks unverifiable; rendering never fails for it."""
    from falv.answer.routing import route
    from falv.domain.drafts import render_draft

    texts = []
    result = route(scenario_id="express", store=imported_store)
    texts += ["；".join(f"《{c['law']}》{c['article']}" for c in s["citations"]) for s in result["steps"]]
    for kind in templates():
        texts.append(render_draft(kind, {}, imported_store)["text"])
    titles = set(imported_store.titles())
    for text in texts:
        for c in verify_text(imported_store, text):
            ok = c.verdict.passed or (c.verdict.kind.value == "unverifiable"
                                      and c.citation.law_text not in titles)
            assert ok, (c.citation.raw, c.verdict.kind.value, c.verdict.detail)


@pytest.mark.shared
def test_data_file_wording_is_ours_not_statute_text(full_store):
    """Step texts (every domain, every kind's floor) and channel descriptions paraphrase; no run
    of 14 characters of any article they cite is copied into them."""
    from falv.domain.basis import find_article
    from falv.text import fold_for_compare

    items = [(f"{d.id}:{r.id}", r.text, r.basis) for d in DOMAINS for r in d.rulebook.rules]
    items += [(f"kind:{k}", s.text, s.basis) for k, spec in kinds().items() for s in spec.steps]
    items += [(cid, " ".join([c.handles, *c.prepare]), c.basis) for cid, c in channel_table().items()]
    copied = []
    for name, text, bases in items:
        mine = fold_for_compare(text)
        for b in bases:
            stored = fold_for_compare(find_article(full_store, b).text)
            copied += [(name, b.clause, stored[i:i + 14]) for i in range(len(stored) - 14)
                       if stored[i:i + 14] in mine]
    assert not copied, sorted({(n, c) for n, c, _ in copied})
