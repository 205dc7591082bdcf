"""The web page in a real headless Chromium (Debian `chromium`, driven by Playwright for Python —
never `playwright install`) against a real `falv serve`: ask, basis articles, 法条联想, 核验 with a
repealed-law badge, and XSS payloads that must stay text.

FALV_SCREENSHOT=path saves a screenshot of the answer page there (docs/screenshot.png)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM = os.environ.get("FALV_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
QUESTION = "快递信息泄露了怎么办"
REPEALED = "依据《侵权责任法》第三十六条，网络服务提供者应当承担连带责任。"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Debian chromium is not installed at {CHROMIUM} (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, api_server):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.external = []
    pg.on("request", lambda r: r.url.startswith(api_server.url) or r.url.startswith("data:")
          or pg.external.append(r.url))
    pg.goto(api_server.url + "/")
    yield pg
    assert pg.external == [], "the page must load nothing from elsewhere"
    context.close()


def ask(page, question: str) -> None:
    page.fill("#question", question)
    page.click("#ask-button")
    page.wait_for_selector("#answer-question", timeout=120_000)


def test_ask_shows_verified_basis_and_article_view(page, api_server):
    ask(page, QUESTION)
    assert page.text_content("#answer-question") == QUESTION
    assert page.locator("#analysis > li").count() >= 1
    items = page.locator("#basis details.basis-item")
    assert items.count() >= 1
    assert page.locator("#basis .badge").first.text_content()
    # the basis texts are the API's (store) texts, collapsed until opened
    ans = httpx.post(api_server.url + "/ask", json={"question": QUESTION}, timeout=120).json()
    first = ans["basis"][0]
    if api_server.imported and os.environ.get("FALV_SCREENSHOT"):
        page.set_viewport_size({"width": 1200, "height": 1700})
        page.evaluate("document.querySelector('#basis details').open = true; window.scrollTo(0, 0)")
        page.screenshot(path=os.environ["FALV_SCREENSHOT"])
        page.evaluate("document.querySelector('#basis details').open = false")
    items.first.locator("summary strong").click()
    assert items.first.locator(".text").text_content() == first["text"]
    # routing cards
    assert page.locator(".card").count() >= 1
    # 法条联想: a citation link opens the article from GET /articles (the first one the store
    # holds: without ../shared's statutes a 司法解释 cited in a step is not there, and the page
    # says so instead — test_article_view_says_what_the_store_lacks)
    links = page.locator("#analysis a.cite")
    found = None
    for i in range(links.count()):
        law, article = links.nth(i).get_attribute("data-law"), links.nth(i).get_attribute("data-article")
        stored = httpx.get(f"{api_server.url}/articles/{law}/{article}")
        if stored.status_code == 200:
            found = (links.nth(i), article, stored.json())
            break
    assert found, "no cited article of the answer is in the store"
    link, article, stored = found
    link.click()
    page.wait_for_selector("#article-text", timeout=30_000)
    assert page.text_content("#article-text") == stored["text"]
    assert article in page.text_content("#article-title")


def test_verify_tab_marks_repealed_law(page, api_server):
    page.click("#tab-verify")
    page.fill("#verify-text", REPEALED + "另见《民法典》第一千零三十八条。")
    page.click("#verify-button")
    page.wait_for_selector("mark.citation", timeout=60_000)
    repealed = page.locator("mark.citation.repealed")
    assert repealed.count() == 1
    assert repealed.text_content().startswith("《侵权责任法》第三十六条")
    badge = repealed.locator(".badge").text_content()
    assert badge.startswith("已废止") and "民法典" in badge
    assert page.locator("mark.citation.ok").count() == 1
    # the correct text on click: the replacement and the verdict detail
    repealed.click()
    page.wait_for_selector(".verdict-detail", timeout=30_000)
    assert "民法典" in page.text_content(".verdict-detail")
    # …and the replacement articles are links to their stored text
    link = page.locator(".verdict-detail .replacement a.cite").first
    link.wait_for(timeout=30_000)
    law, article = link.get_attribute("data-law"), link.get_attribute("data-article")
    assert law == "中华人民共和国民法典"
    link.click()
    page.locator("#article-title").filter(has_text=article).wait_for(timeout=30_000)
    stored = httpx.get(f"{api_server.url}/articles/{law}/{article}").json()
    assert page.text_content("#article-text") == stored["text"]


def test_xss_payloads_stay_text(page, api_server):
    page.click("#tab-verify")
    page.fill("#verify-text", XSS + REPEALED + XSS)
    page.click("#verify-button")
    page.wait_for_selector("mark.citation", timeout=60_000)
    assert XSS in page.text_content("#verify-result")
    page.click("#tab-ask")
    ask(page, XSS + QUESTION)
    assert page.text_content("#answer-question").startswith("<img")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []
    assert page.locator("#answer img, #verify-result img, #answer script, #verify-result script").count() == 0


def test_xss_in_ingested_kb_entry(page, api_server, tmp_path):
    """A Q&A entry whose texts carry HTML must show as text on the answer page."""
    from serving import ADMIN_TOKEN

    doc = ("㈠ 快递单号被人拿去注册网站怎么办\n"
           "【法律分析】\n要求快递企业删除" + XSS + "并投诉。\n"
           "【法律依据】\n《中华人民共和国个人信息保护法》第四十七条\n")
    resp = httpx.post(api_server.url + "/kb/ingest", timeout=120,
                      headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                      json={"files": [{"name": "xss.txt", "content": doc}]})
    if resp.status_code >= 400:
        pytest.skip(f"the knowledge base did not accept the test entry: {resp.json()['message']}")
    question = "快递单号被人拿去注册网站怎么办"
    ans = httpx.post(api_server.url + "/ask", json={"question": question}, timeout=120).json()
    assert ans["kb_entries"], "the ingested entry should match its own question"
    assert any("<script>" in p["text"] for p in ans["analysis"])
    ask(page, question)
    page.wait_for_timeout(300)
    assert "<script>window.__xss=2</script>" in page.text_content("#analysis")
    assert page.evaluate("window.__xss") is None and page.dialogs == []
    assert page.locator("#answer img, #answer script").count() == 0


LETTER_QUESTION = "快递员把我的手机号和住址卖给了别人，卖了3000条，获利2万元"


def test_one_click_opens_the_letter_filled_with_the_facts(page, api_server):
    """From an answer, one click opens the complaint letter already filled with the question's
    facts (the 邮政管理 regulator, the 快递 provisions), editable and copyable; the 第五条 estimate
    shows where counts or gains are stated; nothing tells the reader to run a command."""
    ask(page, LETTER_QUESTION)
    assert "情节严重" in page.text_content("#severity")
    assert "检索结果" in page.text_content("#related-label") if page.locator("#related-label").count() else True
    page.click("#letters button[data-kind=complaint]")
    area = page.locator("#letter-text")
    area.wait_for(timeout=30_000)
    text = area.input_value()
    assert "邮政管理部门" in text and "快递员把我的手机号和住址卖给了别人" in text
    assert "《快递暂行条例》第三十五条" in text  # the 快递 provisions, named (quoted when imported)
    assert "答复" in text or "依法及时" in text  # by when a reply is expected
    area.fill(text.replace("【姓名】", "张三"))
    assert "张三" in area.input_value()
    page.click("#letter-copy")
    page.wait_for_selector("#letter-status:has-text('已复制')", timeout=10_000)
    # the police report carries the 第五条 estimate from the stated counts
    page.click("#letters button[data-kind=police]")
    assert "情节严重" in page.locator("#letter-text").input_value()
    assert "falv " not in page.text_content("#answer")
    if os.environ.get("FALV_SCREENSHOT_LETTER"):
        page.click("#letters button[data-kind=complaint]")
        page.evaluate("document.querySelector('#letter-text').scrollTop = 0")
        page.set_viewport_size({"width": 1200, "height": 2400})
        page.screenshot(path=os.environ["FALV_SCREENSHOT_LETTER"], full_page=True)


def test_article_view_says_what_the_store_lacks(page, api_server):
    """An article the store does not hold opens a view that says why (the API's 404 message)."""
    page.evaluate("showArticle('没有这部法', '第一条')")
    page.wait_for_selector("#article-body .status.error", timeout=30_000)
    assert page.text_content("#article-title") == "《没有这部法》第一条"
    assert page.text_content("#article-body .status.error")
