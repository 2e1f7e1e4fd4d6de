"""A line-oriented bridge to chdb, the embedded current ClickHouse engine.

Reads one JSON request per line on stdin: {"id": N, "sql": "...", "format": "JSONEachRow"}
and answers one JSON line on stdout: {"id": N, "ok": true, "output": "..."} or
{"id": N, "ok": false, "error": "..."}. All requests share one session (one data directory), so DDL
followed by queries behaves as on a server. The process lives until stdin closes.
"""
import json
import sys
import tempfile

from chdb import session


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nodefarm-chdb-") as path:
        sess = session.Session(path)
        out = sys.stdout
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                req = json.loads(line)
            except ValueError as exc:
                out.write(json.dumps({"id": None, "ok": False, "error": f"bad request line: {exc}"}) + "\n")
                out.flush()
                continue
            try:
                res = sess.query(req["sql"], req.get("format", "JSONEachRow"))
                reply = {"id": req.get("id"), "ok": True, "output": res.bytes().decode("utf-8", "replace")}
            except Exception as exc:  # chdb raises its own error types; all of them are answers, not crashes
                reply = {"id": req.get("id"), "ok": False, "error": str(exc)}
            out.write(json.dumps(reply) + "\n")
            out.flush()
        sess.close()


if __name__ == "__main__":
    main()
