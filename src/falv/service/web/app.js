// falv web page. Every text from the store, the knowledge base or the user is put into the page
// with textContent (via el()), never as HTML: imported Q&A can contain <script>.
"use strict";

// Verdict labels come from the server (GET /verdicts: law/data/verdicts.toml, the table the CLI and
// the answers use); until they arrive, or if they cannot, a badge shows the verdict id.
const BADGES = {};
const labelsReady = fetch("/verdicts")
  .then((resp) => (resp.ok ? resp.json() : {}))
  .then((labels) => Object.assign(BADGES, labels))
  .catch(() => {});

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function badge(verdict, replacement) {
  let text = BADGES[verdict] || verdict;
  if (replacement) text += ` → ${replacement}`;
  return el("span", { class: `badge ${verdict}`, "data-verdict": verdict }, text);
}

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const resp = await fetch(path, opts);
  let data = null;
  try { data = await resp.json(); } catch (_) { /* not JSON */ }
  if (!resp.ok) {
    const err = new Error((data && data.message) || `请求失败（${resp.status}）`);
    err.status = resp.status;
    err.data = data;
    throw err;
  }
  return data;
}

function setStatus(id, text, isError) {
  const node = document.getElementById(id);
  node.textContent = text || "";
  node.classList.toggle("error", Boolean(isError));
}

// -- 法条联想: the article view ---------------------------------------------------------------

function citeLink(law, article, label) {
  return el("a", {
    class: "cite", href: "#", "data-law": law, "data-article": article,
    onclick: (ev) => { ev.preventDefault(); showArticle(law, article); },
  }, label || `《${shortTitle(law)}》${article}`);
}

function shortTitle(law) {
  return law.startsWith("中华人民共和国") ? law.slice("中华人民共和国".length) : law;
}

async function showArticle(law, article, extra) {
  const view = document.getElementById("article-view");
  const body = document.getElementById("article-body");
  body.replaceChildren(el("p", { class: "muted" }, "载入中…"));
  view.hidden = false;
  await labelsReady;
  try {
    const a = await api("GET", `/articles/${encodeURIComponent(law)}/${encodeURIComponent(article)}`);
    const where = [a.chapter, a.section].filter(Boolean).join(" ");
    const dates = [a.publish_date && `公布 ${a.publish_date}`, a.effective_date && `施行 ${a.effective_date}`]
      .filter(Boolean).join("，");
    body.replaceChildren(
      el("h3", { id: "article-title" }, `《${a.law}》${a.article}`),
      where ? el("div", { class: "meta" }, where) : null,
      el("div", { class: "meta" }, `${a.doc_type || ""} · ${a.status}${dates ? " · " + dates : ""}`,
        a.current ? badge("ok") : null),
      el("div", { class: "text", id: "article-text" }, a.text),
      extra || null,
    );
  } catch (err) {
    body.replaceChildren(el("h3", { id: "article-title" }, `《${law}》${article}`),
      el("p", { class: "status error" }, err.message), extra || null);
  }
}

// -- the answer ---------------------------------------------------------------------------------

function channelCard(ch) {
  const contact = Array.isArray(ch.contact)
    ? ch.contact.map((c) => c.value + (c.unconfirmed ? "（待核实）" : "")).join("；")
    : ch.contact;
  return el("div", { class: "card" },
    el("div", { class: "body" }, ch.body),
    contact ? el("div", { class: "contact" }, contact) : null,
    ch.handles ? el("div", {}, `受理：${ch.handles}`) : null,
    ch.prepare && ch.prepare.length ? el("div", { class: "muted" }, `准备：${ch.prepare.join("；")}`) : null);
}

function basisItem(b) {
  return el("details", { class: "basis-item", "data-verdict": b.verdict },
    el("summary", {},
      el("strong", {}, `《${b.law}》${b.article}`),
      badge(b.verdict, b.replacement),
      " ", citeLink(b.law, b.article, "法条联想")),
    b.chapter ? el("div", { class: "meta muted" }, b.chapter) : null,
    el("div", { class: "text" }, b.text || "（法规库未收录原文）"),
    b.detail ? el("div", { class: "muted" }, b.detail) : null);
}

function renderAnswer(ans) {
  const out = document.getElementById("answer");
  const parts = [el("h2", {}, "【问题】"), el("p", { id: "answer-question" }, ans.question)];
  const reading = ans.reading || {};
  if (reading.label) {
    const kind = reading.topic || reading.label;
    parts.push(el("p", { class: "muted", id: "reading" }, "问题类型：", kind,
      reading.confident ? "" : `（不确定：${reading.why || ""}）`));
  }
  const situation = (ans.frame && ans.frame.summary) || "";
  if (situation) parts.push(el("p", { class: "muted", id: "situation" }, "情形：", situation));
  const scope = (ans.notes || []).find((n) => n.kind === "scope");
  if (ans.floor && scope) parts.push(el("p", { class: "floor", id: "floor" }, scope.text));
  if (ans.analysis && ans.analysis.length) {
    parts.push(el("h2", {}, ans.grounded ? "【法律分析】" : "【处理途径】"));
    parts.push(el("ol", { class: "analysis", id: "analysis" }, ans.analysis.map((p) => el("li", {},
      el("div", {}, p.text),
      p.citations && p.citations.length
        ? el("div", { class: "cites" }, "依据：", p.citations.map((c) => citeLink(c.law, c.article))) : null,
      p.channels && p.channels.length ? el("div", { class: "cards" }, p.channels.map(channelCard)) : null))));
  }
  if (ans.basis && ans.basis.length) {
    parts.push(el("h2", {}, "【法律依据】"));
    parts.push(el("div", { class: "basis", id: "basis" }, ans.basis.map(basisItem)));
  }
  if (ans.missing_instruments && ans.missing_instruments.length) {
    parts.push(el("h2", {}, "【未收录的依据】"));
    parts.push(el("ul", { class: "notes", id: "missing-instruments" }, ans.missing_instruments.map((m) =>
      el("li", {}, `《${m.law}》${m.articles.join("、")}：${m.hint}`))));
  }
  if (ans.severity) {
    const rules = (ans.severity.rules || []).join("、");
    parts.push(el("h2", {}, "【情节参考】"));
    parts.push(el("p", { id: "severity" },
      `按问题中写明的数量/获利估算（两高解释第五条）：${ans.severity.label}${rules ? "（" + rules + "）" : ""}；仅供参考，以办案机关认定为准。`));
  }
  if (ans.missing && ans.missing.length) {
    parts.push(el("h2", {}, "【还需要确认】"));
    parts.push(el("ul", { class: "missing", id: "missing" }, ans.missing.map((m) => el("li", {}, m.ask))));
  }
  if (ans.letters && ans.letters.length) {
    parts.push(el("h2", {}, "【文书】"));
    parts.push(el("div", { class: "letters", id: "letters" },
      el("p", { class: "muted" }, "已按您问题中的事实填好，可直接修改后复制；【】中的内容请补全。"),
      ans.letters.map((l) => el("button", {
        type: "button", class: "letter-button", "data-kind": l.kind, onclick: () => openLetter(l),
      }, `生成：${l.title}`)),
      el("div", { id: "letter-box", hidden: true })));
  }
  const notes = (ans.notes || []).filter((n) => !(ans.floor && n.kind === "scope"));
  if (notes.length) {
    parts.push(el("h2", {}, "【提示】"));
    parts.push(el("ul", { class: "notes" }, notes.map((n) => el("li", {}, n.text))));
  }
  if (ans.related && ans.related.length) {
    parts.push(el("h2", {}, "相关法条"));
    parts.push(el("p", { class: "muted", id: "related-label" }, "以下为检索结果，供参考，不是本回答的依据。"));
    parts.push(el("div", { class: "basis related" }, ans.related.map(basisItem)));
  }
  out.replaceChildren(...parts);
}

// One click from an answer: the letter, filled with the question's facts, editable and copyable.
function openLetter(letter) {
  const box = document.getElementById("letter-box");
  const area = el("textarea", { id: "letter-text", rows: 22, "data-kind": letter.kind, "aria-label": letter.title });
  area.value = letter.text;
  const status = el("span", { class: "muted", id: "letter-status", role: "status" });
  box.replaceChildren(
    el("h3", { id: "letter-title" }, letter.title),
    area,
    el("div", { class: "letter-actions" },
      el("button", { type: "button", id: "letter-copy", onclick: () => copyLetter(area, status) }, "复制全文"),
      " ", status));
  box.hidden = false;
  area.focus();
}

async function copyLetter(area, status) {
  try {
    await navigator.clipboard.writeText(area.value);
  } catch (_) { // no clipboard permission (plain http): select the text and copy the old way
    area.select();
    document.execCommand("copy");
  }
  status.textContent = "已复制";
}

async function onAsk(ev) {
  ev.preventDefault();
  const question = document.getElementById("question").value.trim();
  if (!question) { setStatus("ask-status", "请先输入问题", true); return; }
  setStatus("ask-status", "正在检索与核验…");
  const button = document.getElementById("ask-button");
  button.disabled = true;
  try {
    await labelsReady;
    renderAnswer(await api("POST", "/ask", { question }));
    setStatus("ask-status", "");
  } catch (err) {
    setStatus("ask-status", err.message, true);
  } finally {
    button.disabled = false;
  }
}

// -- 核验 -----------------------------------------------------------------------------------------

function verdictDetail(c) {
  const lines = [badge(c.verdict, c.replacement), el("div", {}, c.detail || "")];
  if (c.diff) lines.push(el("div", { class: "muted" }, "差异：", c.diff));
  if (c.replacement) {
    const links = el("div", { class: "replacement" }, "现行规定：", c.replacement);
    lines.push(links);
    linkReplacement(c.replacement, links);
  }
  return el("div", { class: "verdict-detail" }, lines);
}

// The replacement names articles (《民法典》第一千一百九十四条至第一千一百九十七条): the server's own
// citation finder turns it into links, so the page never parses citations itself.
async function linkReplacement(text, node) {
  try {
    const found = await api("POST", "/verify", { text });
    const cites = found.citations.filter((x) => x.article && x.verdict === "ok");
    if (cites.length) node.append(el("div", {}, "查看：", cites.map((x) => citeLink(x.law, x.article))));
  } catch (_) { /* the plain text stays */ }
}

function selectCitation(i, c) {
  document.querySelectorAll(".verify-list li").forEach((li) => li.classList.toggle("selected", li.dataset.index === String(i)));
  if (c.article && !NO_TEXT.has(c.verdict)) {
    showArticle(c.law, c.article, verdictDetail(c));
    return;
  }
  // repealed / not found / not stored: there is no current text to show, only the verdict
  document.getElementById("article-body").replaceChildren(
    el("h3", { id: "article-title" }, `《${c.law}》${c.article || ""}`), verdictDetail(c));
  document.getElementById("article-view").hidden = false;
}

const NO_TEXT = new Set(["repealed", "not_found", "unverifiable"]);

function renderVerify(text, result) {
  const box = document.getElementById("verify-result");
  const list = document.getElementById("verify-list");
  const cites = result.citations.slice().sort((a, b) => a.span[0] - b.span[0]);
  const chars = Array.from(text); // spans count code points, as Python does
  const slice = (a, b) => chars.slice(a, b).join("");
  const nodes = [];
  let pos = 0;
  cites.forEach((c, i) => {
    const [start, end] = c.span;
    if (start < pos) return; // nested/overlapping spans: the first one wins
    nodes.push(slice(pos, start));
    const title = `${BADGES[c.verdict] || c.verdict}${c.replacement ? " → " + c.replacement : ""}`;
    nodes.push(el("mark", {
      class: `citation ${c.verdict}`, title, "data-verdict": c.verdict, "data-index": i,
      onclick: () => selectCitation(i, c),
    }, slice(start, end), badge(c.verdict, c.replacement)));
    pos = end;
  });
  nodes.push(slice(pos));
  box.replaceChildren(...nodes);
  list.replaceChildren(...cites.map((c, i) => el("li", { "data-index": i, onclick: () => selectCitation(i, c) },
    el("strong", {}, `《${c.law}》${c.article || "（整部）"}`), badge(c.verdict, c.replacement),
    el("div", { class: "detail" }, c.detail || ""))));
  setStatus("verify-status", cites.length ? `共 ${cites.length} 处引用${result.passed ? "，全部通过核验" : ""}` : "未发现法条引用");
}

async function onVerify(ev) {
  ev.preventDefault();
  const text = document.getElementById("verify-text").value;
  if (!text.trim()) { setStatus("verify-status", "请先粘贴要核验的文字", true); return; }
  setStatus("verify-status", "核验中…");
  const button = document.getElementById("verify-button");
  button.disabled = true;
  try {
    const quotes = document.getElementById("verify-quotes").checked;
    await labelsReady;
    renderVerify(text, await api("POST", "/verify", { text, quotes }));
  } catch (err) {
    setStatus("verify-status", err.message, true);
  } finally {
    button.disabled = false;
  }
}

// -- tabs -----------------------------------------------------------------------------------------

function showTab(tab) {
  document.querySelectorAll(".tab").forEach((t) => {
    const on = t === tab;
    t.classList.toggle("active", on);
    t.setAttribute("aria-selected", String(on));
    document.getElementById(t.dataset.panel).hidden = !on;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".tab").forEach((t) => t.addEventListener("click", () => showTab(t)));
  document.getElementById("ask-form").addEventListener("submit", onAsk);
  document.getElementById("verify-form").addEventListener("submit", onVerify);
  for (const [area, form] of [["question", "ask-form"], ["verify-text", "verify-form"]]) {
    document.getElementById(area).addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) document.getElementById(form).requestSubmit();
    });
  }
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") document.getElementById("article-view").hidden = true;
  });
  document.getElementById("article-close").addEventListener("click", () => {
    document.getElementById("article-view").hidden = true;
  });
  const q = new URLSearchParams(location.search).get("q");
  if (q) {
    document.getElementById("question").value = q;
    document.getElementById("ask-form").requestSubmit();
  }
});
