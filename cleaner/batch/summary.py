"""The job summary: records in / out / changed / errored, findings per rule, throughput.

Counting rules (they make ``records.in == records.out + records.errored`` hold):

* a record that was cleaned (changed or not), or checked, counts in ``out``;
  ``changed`` counts those whose text changed;
* a record that could not be processed (invalid JSON, no text field, not UTF-8,
  over ``--max-record-bytes``, the cleaner failed on it) counts in ``errored``; it
  is still written to the output unchanged, at its place;
* an unreadable stretch of a file (a corrupt gzip member, a truncated or malformed
  WARC record) counts as one ``errored`` record; an empty file counts as none;
* WARC records that are not text (requests, images, metadata...) count in ``out``
  and in ``skipped`` — they are copied unchanged; blank JSON Lines lines are not
  records (``blank_lines``) and are kept too.

MB/s is the text cleaned (UTF-8 bytes of the text fields / files / payloads) per
second of wall time for this run; ``input_mb_per_s`` counts the input files' bytes
as stored (compressed).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from .process import add_stats, new_stats


@dataclass
class Summary:
    mode: str
    engine: str
    jobs: int
    out: str
    inputs: int
    scheduler: str | None = None
    totals: dict = field(default_factory=new_stats)
    run_stats: dict = field(default_factory=new_stats)     # shards processed by this run
    shards: int = 0
    resumed: int = 0
    errors: int = 0
    input_bytes: int = 0
    run_input_bytes: int = 0
    ignored: list = field(default_factory=list)           # files of other types in input directories
    started: float = field(default_factory=time.perf_counter)

    def add(self, stats: dict, n_errors: int, input_bytes: int, *, resumed: bool) -> None:
        add_stats(self.totals, stats)
        self.shards += 1
        self.errors += n_errors
        self.input_bytes += input_bytes
        if resumed:
            self.resumed += 1
        else:
            add_stats(self.run_stats, stats)
            self.run_input_bytes += input_bytes

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def as_dict(self, exit_code: int) -> dict[str, Any]:
        from .. import __version__

        t = self.totals
        el = self.elapsed()
        by_rule = {code: {"found": v[0], "applied": v[1]} for code, v in sorted(t["by_rule"].items())}
        return {
            "mtclean": __version__,
            "mode": self.mode,
            "engine": self.engine,
            "jobs": self.jobs,
            "scheduler": self.scheduler,
            "inputs": self.inputs,
            "out": self.out,
            "records": {"in": t["records_in"], "out": t["records_out"], "changed": t["changed"],
                        "errored": t["errored"], "skipped": t["skipped"], "blank_lines": t["blank_lines"]},
            "reconciles": t["records_in"] == t["records_out"] + t["errored"],
            "findings": {"total": t["findings"], "applied": t["applied"], "by_rule": by_rule},
            "errors": self.errors,
            # files of other types found in input directories, not read (the first 100 named)
            "ignored_files": {"count": len(self.ignored), "first": self.ignored[:100]},
            "shards": {"total": self.shards, "resumed": self.resumed},
            "bytes": {"input": self.input_bytes, "text": t["text_bytes"],
                      "text_this_run": self.run_stats["text_bytes"]},
            "elapsed_s": round(el, 3),
            "text_mb_per_s": round(self.run_stats["text_bytes"] / 1e6 / el, 3) if el > 0 else None,
            "input_mb_per_s": round(self.run_input_bytes / 1e6 / el, 3) if el > 0 else None,
            "exit_code": exit_code,
        }


def render(d: dict[str, Any]) -> str:
    r = d["records"]
    f = d["findings"]
    lines = [
        f"mtclean batch: {d['mode']} on {d['engine']} ({d['jobs']} job{'s' if d['jobs'] != 1 else ''})"
        + (f", {d['shards']['resumed']} of {d['shards']['total']} shards resumed" if d["shards"]["resumed"] else ""),
        f"  records: {r['in']} in, {r['out']} out, {r['changed']} changed, {r['errored']} errored"
        + (f", {r['skipped']} not text" if r["skipped"] else ""),
        f"  findings: {f['total']} ({f['applied']} fixed)"
        + ("" if not f["by_rule"] else ": " + ", ".join(
            f"{code} {v['found']}" + (f"/{v['applied']} fixed" if v["applied"] else "")
            for code, v in f["by_rule"].items())),
    ]
    rate = d["text_mb_per_s"]
    lines.append(f"  throughput: {d['bytes']['text_this_run'] / 1e6:.1f} MB of text in {d['elapsed_s']:.1f} s"
                 + (f" = {rate:.2f} MB/s" if rate is not None else ""))
    if d["errors"]:
        lines.append(f"  errors: {d['errors']} (see {d['out']}/errors.jsonl)")
    ign = d.get("ignored_files") or {}
    if ign.get("count"):
        lines.append(f"  ignored: {ign['count']} file(s) of other types in the input directories, not read "
                     f"(e.g. {ign['first'][0]}; listed in summary.json)")
    lines.append(f"  report: {d['out']}/summary.json, {d['out']}/findings.jsonl")
    return "\n".join(lines) + "\n"


def write(path, d: dict[str, Any]) -> None:
    from .writers import write_atomic

    write_atomic(path, (json.dumps(d, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
