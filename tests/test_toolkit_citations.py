"""Every citation in the toolkit's data files and templates passes falv's verifier — both as a
Citation value (falv.law.verify.verify) and as text through `falv verify` (find → resolve →
verify), against the base database plus the nine imported ../shared statute files."""

from __future__ import annotations

import json
import tomllib
from importlib import resources

import pytest

from falv import cli
from falv.domain.basis import Basis, parse_basis, parse_clause
from falv.domain.drafts import templates
from falv.law.models import ArticleRef, Citation
from falv.law.verify import verify, verify_text
from falv.text import parse_article_no

DATA = resources.files("falv.domain.personal_info").joinpath("data")


def _toml(name: str) -> dict:
    folder = DATA if DATA.joinpath(name).is_file() else resources.files("falv.domain").joinpath("data")
    return tomllib.loads(folder.joinpath(name).read_text("utf-8"))


def all_citations() -> list[tuple[str, Basis]]:
    """(where, basis) for every article named anywhere in data/ and templates/."""
    out = []
    for cid, ch in _toml("channels.toml")["channel"].items():
        out += [(f"channels.toml:{cid}", parse_basis(b)) for b in ch.get("basis", [])]
    for rule in _toml("rules.toml")["rule"]:
        out += [(f"rules.toml:{rule['id']}", parse_basis(b)) for b in rule.get("basis", [])]
    for aid, actor in _toml("frame.toml")["actor"].items():
        for key in ("duty", "regulator_basis"):
            out += [(f"frame.toml:actor.{aid}.{key}", parse_basis(b)) for b in actor.get(key, [])]
    th = _toml("thresholds.toml")
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
        out += [(f"templates/{kind}.md", b) for b in t.cites]
    return out


CITATIONS = all_citations()


def test_the_collection_is_complete_enough():
    where = {w.split(":")[0].split("/")[0] for w, _ in CITATIONS}
    assert where == {"channels.toml", "rules.toml", "frame.toml", "thresholds.toml", "templates"}
    assert len(CITATIONS) > 100


def _citation(b: Basis) -> Citation:
    number, suffix = parse_article_no(b.article)
    raw = f"《{b.law}》{b.clause}"
    return Citation(law_text=b.law, ref=ArticleRef(number, suffix, b.paragraph, b.item),
                    span=(0, len(raw)), raw=raw)


def test_every_citation_passes_the_verifier(imported_store):
    failures = []
    for where, b in CITATIONS:
        verdict = verify(imported_store, _citation(b))
        if not verdict.passed:
            failures.append(f"{where}: 《{b.law}》{b.clause} → {verdict.kind.value} {verdict.detail}")
    assert not failures, "\n".join(failures)


def test_every_citation_passes_verify_text(imported_store):
    """The same citations written as a user would see them, found and resolved from text."""
    unique = list(dict.fromkeys(f"《{b.law}》{b.clause}" for _, b in CITATIONS))
    text = "\n".join(unique)
    checked = verify_text(imported_store, text)
    assert len(checked) == len(unique)
    bad = [c.to_dict() for c in checked if c.verdict.kind.value not in ("ok", "partial_quote")]
    assert not bad, bad


def test_falv_verify_command_accepts_every_citation(capsys, imported_store, tmp_path):
    from falv.commands.common import store

    store.cache_clear()
    unique = list(dict.fromkeys(f"《{b.law}》{b.clause}" for _, b in CITATIONS))
    path = tmp_path / "toolkit-citations.txt"
    path.write_text("\n".join(unique), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        cli.main(["verify", str(path), "--json"])
    rows = json.loads(capsys.readouterr().out)["citations"]
    store.cache_clear()
    assert (exc.value.code or 0) == 0
    assert len(rows) == len(unique) and {r["verdict"] for r in rows} == {"ok"}


def test_rendered_outputs_cite_only_verifiable_articles(imported_store):
    """What users read (route steps, drafts) carries citations that falv verify accepts."""
    from falv.domain.drafts import render_draft
    from falv.answer.routing import route

    texts = []
    result = route(scenario_id="express", store=imported_store)
    texts += ["；".join(f"《{c['law']}》{c['article']}" for c in s["citations"]) for s in result["steps"]]
    for kind in templates():
        texts.append(render_draft(kind, {}, imported_store)["text"])
    for text in texts:
        for c in verify_text(imported_store, text):
            assert c.verdict.passed, (c.citation.raw, c.verdict.kind.value, c.verdict.detail)


def test_without_imports_only_imported_instruments_are_unverifiable(store):
    """Before `falv statutes import`, base-DB citations pass; the rest are the imported ones."""
    base_titles = set(store.titles())
    for where, b in CITATIONS:
        verdict = verify(store, _citation(b))
        if b.law in base_titles:
            assert verdict.passed, (where, b.law, b.clause, verdict.detail)
        else:
            assert verdict.kind.value == "unverifiable", (where, b.law)


def test_data_file_wording_is_ours_not_statute_text(imported_store):
    """Step texts and channel descriptions paraphrase; no run of 14 characters of any article
    they cite is copied into them."""
    from falv.domain.basis import find_article
    from falv.domain.channels import channel_table
    from falv.domain.personal_info.rules import rules
    from falv.text import fold_for_compare

    items = [(r.id, r.text, r.basis) for r in rules()]
    items += [(cid, " ".join([c.handles, *c.prepare]), c.basis) for cid, c in channel_table().items()]
    copied = []
    for name, text, bases in items:
        mine = fold_for_compare(text)
        for b in bases:
            stored = fold_for_compare(find_article(imported_store, b).text)
            copied += [(name, b.clause, stored[i:i + 14]) for i in range(len(stored) - 14)
                       if stored[i:i + 14] in mine]
    assert not copied, sorted({(n, c) for n, c, _ in copied})
