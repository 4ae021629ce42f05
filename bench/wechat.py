"""WeChat webhook benchmark: passive replies per second and latency, against the 5 s budget.

Starts gunicorn (the production server) on a fresh database with the demo body
and a safe-mode WeChat account, then plays WeChat's servers: each client is one
follower who files complete reports over and over — 14 messages from "你好" to
"确认", each an AES-encrypted, signed push — and every answer is decrypted and
checked. It records replies per second, p50/p99/max latency for ordinary
turns and for the confirmation (which runs report_submit), and how many
answers missed WeChat's 5-second budget.

    .venv/bin/python bench/wechat.py --database postgres://postgres@127.0.0.1:5432/tipoff_bench_wechat

The database named is dropped and re-created (``--database sqlite`` uses a
fresh SQLite file instead). Results print as Markdown and go to
bench/results/wechat.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from common import free_port, percentile, recreate_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python")
TOKEN, AES_KEY, APP_ID = (
    "benchToken",
    "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "wxbench000000000",
)
BUDGET = 5.0
SCRIPT = [
    "你好",
    "1",
    "4",
    "1",
    "王五，局长",
    "2024-05-01",
    "金龙大酒店",
    "局长在金龙大酒店用公款宴请二十多人，餐费约两万元，由单位报销。",
    "金龙大酒店",
    "20",
    "跳过",
    "完成",
    "1",
    "确认",
]


class Follower:
    def __init__(self, port: int, path: str, index: int) -> None:
        from tipoff.channels.signing import sorted_sha1, xml_fields
        from tipoff.channels.wechat.crypto import MessageCrypto

        self.crypto = MessageCrypto(token=TOKEN, encoding_aes_key=AES_KEY, app_id=APP_ID)
        self.sha1, self.fields = sorted_sha1, xml_fields
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.path = path
        self.openid = f"oBENCH{index:04d}{secrets.token_hex(6)}"
        self.msg_id = 7 * 10**18 + index * 10**9

    def send(self, text: str) -> tuple[float, str]:
        self.msg_id += 1
        plain = (
            f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{self.openid}]]>"
            f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{self.msg_id}</MsgId></xml>"
        )
        encrypted = self.crypto.encrypt(plain)
        timestamp, nonce = str(int(time.time())), secrets.token_hex(5)
        query = (
            f"timestamp={timestamp}&nonce={nonce}&openid={self.openid}&encrypt_type=aes"
            f"&signature={self.sha1(TOKEN, timestamp, nonce)}"
            f"&msg_signature={self.crypto.signature(timestamp, nonce, encrypted)}"
        )
        body = f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        t0 = time.perf_counter()
        self.conn.request(
            "POST", f"{self.path}?{query}", body=body.encode(), headers={"Content-Type": "text/xml"}
        )
        response = self.conn.getresponse()
        raw = response.read()
        elapsed = time.perf_counter() - t0
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {raw[:200]!r}")
        if raw == b"success":
            return elapsed, ""
        outer = self.fields(raw)
        if not self.crypto.verify(
            outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"], outer["Encrypt"]
        ):
            raise RuntimeError("reply signature does not verify")
        return elapsed, self.fields(self.crypto.decrypt(outer["Encrypt"]).encode())["Content"]


def run(port: int, path: str, clients: int, duration: float) -> dict:
    turns: list[float] = []
    confirms: list[float] = []
    counts = {"reports": 0, "late": 0, "errors": 0}
    lock = threading.Lock()
    gate = threading.Barrier(clients + 1)
    stop_at = time.perf_counter() + duration

    def worker(index: int) -> None:
        follower = Follower(port, path, index + clients * 1000)
        mine_turns: list[float] = []
        mine_confirms: list[float] = []
        mine = {"reports": 0, "late": 0, "errors": 0}
        gate.wait()
        while time.perf_counter() < stop_at:
            for text in SCRIPT:
                try:
                    elapsed, reply = follower.send(text)
                except Exception:
                    mine["errors"] += 1
                    follower.conn.close()
                    break
                (mine_confirms if text == "确认" else mine_turns).append(elapsed)
                if elapsed > BUDGET or not reply:
                    mine["late"] += 1
                if text == "确认" and re.search(r"\d{4} \d{4} \d{4} \d{4} \d{4}", reply):
                    mine["reports"] += 1
        with lock:
            turns.extend(mine_turns)
            confirms.extend(mine_confirms)
            for key, value in mine.items():
                counts[key] += value

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    every = turns + confirms
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "replies": len(every),
        "replies_per_second": round(len(every) / wall, 1),
        "reports": counts["reports"],
        "turn_p50_ms": round(percentile(turns, 0.5) * 1000, 1),
        "turn_p99_ms": round(percentile(turns, 0.99) * 1000, 1),
        "confirm_p50_ms": round(percentile(confirms, 0.5) * 1000, 1),
        "confirm_p99_ms": round(percentile(confirms, 0.99) * 1000, 1),
        "max_ms": round(max(every, default=float("nan")) * 1000, 1),
        "over_budget_or_late": counts["late"],
        "errors": counts["errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/tipoff_bench_wechat"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "wechat.json"))
    args = parser.parse_args()
    var = ROOT / "var" / "bench-wechat"
    if args.database == "sqlite":
        var.mkdir(parents=True, exist_ok=True)
        (var / "tipoff.sqlite3").unlink(missing_ok=True)
        database = ""
    else:
        recreate_database(args.database)
        database = args.database
    env = {
        **os.environ,
        "TIPOFF_ENV": "development",
        "DEBUG": "false",
        "RATE_LIMITS_ENABLED": "false",
        "TIPOFF_VAR_DIR": str(var),
        "LOG_LEVEL": "WARNING",
        "CHANNELS_TRANSPORT": "null",  # nothing leaves the machine
    }
    if database:
        env["DATABASE_URL"] = database
    else:
        env.pop("DATABASE_URL", None)
    manage = [PY, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "createcachetable"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "demo_load"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    added = subprocess.run(
        [
            *manage,
            "channel_add",
            "wechat",
            "--body",
            "demo",
            "--token",
            TOKEN,
            "--aes-key",
            AES_KEY,
            "--app-id",
            APP_ID,
        ],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    path = urlparse(re.search(r"Webhook URL: (\S+)", added).group(1)).path  # type: ignore[union-attr]

    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "tipoff.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--worker-tmp-dir",
            "/dev/shm",
            "--preload",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    os.environ.update({k: v for k, v in env.items() if k != "DATABASE_URL"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipoff.settings")
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        run(port, path, args.workers, 3.0)  # warm every worker up
        results = [run(port, path, int(n), args.duration) for n in args.clients.split(",")]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    header = (
        "clients",
        "replies/s",
        "reports",
        "turn p50",
        "turn p99",
        "confirm p50",
        "confirm p99",
        "max",
        "late or over 5 s",
        "errors",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in results:
        print(
            f"| {r['clients']} | {r['replies_per_second']} | {r['reports']} | {r['turn_p50_ms']} ms | "
            f"{r['turn_p99_ms']} ms | {r['confirm_p50_ms']} ms | {r['confirm_p99_ms']} ms | {r['max_ms']} ms | "
            f"{r['over_budget_or_late']} | {r['errors']} |"
        )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(
        json.dumps(
            {
                "database": "sqlite" if not database else "postgresql",
                "workers": args.workers,
                "cpus": os.cpu_count(),
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
