"""Mark up a text with its verified citations (法条联想 links and 时效性 badges).

Input: the text and `verify_text`'s CheckedCitations (spans index the text). Output: HTML (each
citation wrapped in a link with a badge and a title giving the verdict) or Markdown/plain text
(a badge after each citation). Overlapping spans (a range expanded to several citations) are
marked once, by the first citation that covers them.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from .verdicts import label as verdict_label
from .verify import CheckedCitation


def _non_overlapping(checked: list[CheckedCitation]) -> list[CheckedCitation]:
    out, end = [], -1
    for c in sorted(checked, key=lambda c: c.citation.span):
        if c.citation.span[0] >= end:
            out.append(c)
            end = c.citation.span[1]
    return out


def _label(c: CheckedCitation) -> str:
    v = c.verdict
    label = verdict_label(v.kind.value)
    if v.replacement:
        label += f" → {v.replacement}"
    return label


def annotate_text(text: str, checked: list[CheckedCitation]) -> str:
    """Plain text / Markdown: 【badge】 after each citation."""
    parts, pos = [], 0
    for c in _non_overlapping(checked):
        start, end = c.citation.span
        parts.append(text[pos:end])
        parts.append(f"【{_label(c)}】")
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def annotate_html(text: str, checked: list[CheckedCitation], link: str = "/article?law={law}&article={article}"
                  ) -> str:
    """HTML: each citation becomes a link to its article with a verdict badge; text is escaped."""
    parts, pos = [], 0
    for c in _non_overlapping(checked):
        start, end = c.citation.span
        parts.append(html.escape(text[pos:start]))
        v = c.verdict
        law = v.law or c.citation.law_text or ""
        article = v.article or ""
        href = link.format(law=quote(law), article=quote(article))
        title = html.escape(v.detail or "", quote=True)
        parts.append(f'<a class="cite cite-{v.kind.value}" href="{html.escape(href, quote=True)}" '
                     f'title="{title}">{html.escape(text[start:end])}</a>'
                     f'<span class="badge badge-{v.kind.value}">{html.escape(_label(c))}</span>')
        pos = end
    parts.append(html.escape(text[pos:]))
    return "".join(parts).replace("\n", "<br>\n")
