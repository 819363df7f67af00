#!/usr/bin/env python3
"""Turns the measurements bench/run.sh left in a directory into the markdown section
"Backup and restore (Odoo zip)", written to --out and, with --doc, into docs/benchmarks.md
(replacing that section, or appending it)."""

import argparse
import json
import os
import statistics

SECTION = "## Backup and restore (Odoo zip)"
BACKUP_GOAL = 0.25
RESTORE_GOAL = 0.4
RESTORE_ODOO_ZIP_GOAL = 0.5
RSS_GOAL_MB = 512
NOTES_MARKER = "<!-- end of the generated part: notes below this line are kept when bench/run.sh rewrites the section -->"

DOC_HEADER = """# Benchmarks

Each section says how to reproduce it (one command) and on which machine it was measured.
"""


def read_env(path):
    out = {}
    if os.path.exists(path):
        with open(path) as fh:
            for line in fh:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    out[k] = v
    return out


def read_time(res, name):
    with open(os.path.join(res, name + ".time")) as fh:
        wall, rss_kb, user, sys_ = fh.read().split()[-4:]
    return {"wall": float(wall), "rss_mb": int(rss_kb) / 1024, "cpu": float(user) + float(sys_)}


def read_json(path):
    """The JSON object in the file, skipping any lines printed before it (e.g. JVM logging)."""
    try:
        with open(path) as fh:
            text = fh.read()
    except OSError:
        return {}
    start = text.find("\n{") + 1 if not text.startswith("{") else 0
    try:
        return json.loads(text[start:])
    except ValueError:
        return {}


def num(v):
    return int(float(v))


def gib(n):
    return "%.2f GiB" % (num(n) / (1 << 30))


def median_run(runs, key):
    """The run whose ratio is the median (the upper one of the two middle runs for an even count)."""
    ordered = sorted(runs, key=lambda r: r[key])
    return ordered[len(ordered) // 2]


def verdict(value, goal):
    return "met" if value <= goal else "**missed**"


def load_runs(res, count):
    runs = []
    for i in range(1, count + 1):
        r = {"run": i}
        for side in ("odoo", "lb"):
            for step in ("backup", "restore", "restore_odoozip"):
                if side == "odoo" and step == "restore_odoozip":
                    continue
                name = "%s_%s_%d" % (side, step, i)
                if not os.path.exists(os.path.join(res, name + ".time")):
                    continue  # measured by an older bench/run.sh
                r[side + "_" + step] = read_time(res, name)
                r[side + "_" + step + "_load"] = read_env(os.path.join(res, name + ".load")).get("load", "?")
        r["odoo_backup_phases"] = read_json(os.path.join(res, "odoo_backup_%d.json" % i))
        r["odoo_restore_phases"] = read_json(os.path.join(res, "odoo_restore_%d.json" % i))
        r["lb_backup_report"] = read_json(os.path.join(res, "lb_backup_%d.out" % i))
        r["lb_restore_report"] = read_json(os.path.join(res, "lb_restore_%d.out" % i))
        r["sizes"] = read_env(os.path.join(res, "sizes_%d.env" % i))
        r["backup_ratio"] = r["lb_backup"]["wall"] / r["odoo_backup"]["wall"]
        r["restore_ratio"] = r["lb_restore"]["wall"] / r["odoo_restore"]["wall"]
        if "lb_restore_odoozip" in r:
            r["restore_odoozip_ratio"] = r["lb_restore_odoozip"]["wall"] / r["odoo_restore"]["wall"]
        runs.append(r)
    return runs


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_s(v):
    return "–" if v is None else "%.1f" % v


def render(res, command):
    machine = read_env(os.path.join(res, "machine.env"))
    inst = read_env(os.path.join(res, "instance.env"))
    runs = load_runs(res, int(machine["runs"]))
    b = median_run(runs, "backup_ratio")
    r = median_run(runs, "restore_ratio")
    o = median_run(runs, "restore_odoozip_ratio") if all("restore_odoozip_ratio" in x for x in runs) else None
    rss_backup = max(x["lb_backup"]["rss_mb"] for x in runs)
    rss_restore = max([x["lb_restore"]["rss_mb"] for x in runs]
                      + [x["lb_restore_odoozip"]["rss_mb"] for x in runs if "lb_restore_odoozip" in x])
    rss = max(rss_backup, rss_restore)
    n = len(runs)
    dump_bytes = med([x["odoo_backup_phases"].get("dump_bytes") for x in runs])
    odoo_zip = med([int(x["sizes"]["odoo_zip_bytes"]) for x in runs])
    lb_zip = med([int(x["sizes"]["lb_zip_bytes"]) for x in runs])
    L = []
    a = L.append
    a(SECTION)
    a("")
    a("<!-- written by bench/run.sh (bench/report.py); rerun the command to refresh this section -->")
    a("")
    a("Command: `%s` (from the project root; `--quick` for a one-minute smoke test, `--help` for sizes)." % command)
    a("Measured %s on commit `%s`, %d run%s; the instance is generated once, every step starts with a "
      "flushed and %s page cache." % (machine["date"], machine["commit"][:12], n, "" if n == 1 else "s",
                                       "dropped" if machine.get("drop_caches") == "1" else "warm (could not drop)"))
    a("")
    a("### Result")
    a("")
    a("Median run by ratio, both figures from that same run; peak RSS is the largest of all runs.")
    a("")
    a("| | Odoo's method | Lifeboat | ratio | goal | |")
    a("|---|---:|---:|---:|---:|---|")
    a("| backup wall time (run %d) | %.1f s | %.1f s | %.2f | ≤ %s | %s |" % (
        b["run"], b["odoo_backup"]["wall"], b["lb_backup"]["wall"], b["backup_ratio"], BACKUP_GOAL,
        verdict(b["backup_ratio"], BACKUP_GOAL)))
    a("| restore wall time (run %d) | %.1f s | %.1f s | %.2f | ≤ %s | %s |" % (
        r["run"], r["odoo_restore"]["wall"], r["lb_restore"]["wall"], r["restore_ratio"], RESTORE_GOAL,
        verdict(r["restore_ratio"], RESTORE_GOAL)))
    if o is not None:
        a("| restore of Odoo's own zip, wall time (run %d) | %.1f s | %.1f s | %.2f | ≤ %s | %s |" % (
            o["run"], o["odoo_restore"]["wall"], o["lb_restore_odoozip"]["wall"], o["restore_odoozip_ratio"],
            RESTORE_ODOO_ZIP_GOAL, verdict(o["restore_odoozip_ratio"], RESTORE_ODOO_ZIP_GOAL)))
    a("| Lifeboat peak RSS (backup / restore) | | %.0f / %.0f MB | | ≤ %d MB | %s |" % (
        rss_backup, rss_restore, RSS_GOAL_MB, verdict(rss, RSS_GOAL_MB)))
    a("| backup CPU, same run (not a goal) | %.0f s | %.0f s | %.2f | | |" % (
        b["odoo_backup"]["cpu"], b["lb_backup"]["cpu"], b["lb_backup"]["cpu"] / b["odoo_backup"]["cpu"]))
    a("| restore CPU, same run (not a goal) | %.0f s | %.0f s | %.2f | | |" % (
        r["odoo_restore"]["cpu"], r["lb_restore"]["cpu"], r["lb_restore"]["cpu"] / r["odoo_restore"]["cpu"]))
    a("")
    a("CPU is user + system seconds of the client processes (the tool and its pg_dump/psql children; the "
      "PostgreSQL server's own work is not counted). On a busy machine wall time follows CPU time more "
      "than parallelism.")
    a("")
    a("### Instance")
    a("")
    a("| | |")
    a("|---|---|")
    a("| database (`pg_database_size`) | %s |" % gib(inst["db_bytes"]))
    a("| filestore | %s files, %s (%s apparent) |" % (
        format(num(inst["fs_files"]), ","), gib(inst["fs_bytes"]), gib(inst["fs_apparent_bytes"])))
    a("| generated | %s `ir_attachment` rows, %s distinct files, %s rows in the bulk business tables; generated in %s s |" % (
        format(num(inst["gen_attachments"]), ","), format(num(inst["gen_distinct_files"]), ","),
        format(num(inst["gen_bulk_rows"]), ","), inst["gen_seconds"]))
    if dump_bytes:
        a("| `dump.sql` (plain pg_dump) | %s |" % gib(dump_bytes))
    a("| zip written by Odoo's method / by Lifeboat | %s / %s |" % (gib(odoo_zip), gib(lb_zip)))
    a("")
    a("### Every run")
    a("")
    a("Wall seconds; CPU = user + system seconds of the client processes (the tool and its pg_dump/psql "
      "children, not the server); load = 1-minute load average when the step started.")
    a("")
    a("| run | Odoo backup | Lifeboat backup | ratio | Odoo restore | Lifeboat restore | ratio "
      "| Lifeboat restore of Odoo's zip | ratio | Lifeboat RSS MB (backup / restore) |")
    a("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for x in runs:
        oz = x.get("lb_restore_odoozip")
        oz_cell = "–" if oz is None else "%.1f (CPU %.0f, load %s)" % (
            oz["wall"], oz["cpu"], x["lb_restore_odoozip_load"])
        oz_ratio = "–" if oz is None else "%.2f" % x["restore_odoozip_ratio"]
        a("| %d | %.1f (CPU %.0f, load %s) | %.1f (CPU %.0f, load %s) | %.2f | %.1f (CPU %.0f, load %s) "
          "| %.1f (CPU %.0f, load %s) | %.2f | %s | %s | %.0f / %.0f |" % (
              x["run"],
              x["odoo_backup"]["wall"], x["odoo_backup"]["cpu"], x["odoo_backup_load"],
              x["lb_backup"]["wall"], x["lb_backup"]["cpu"], x["lb_backup_load"],
              x["backup_ratio"],
              x["odoo_restore"]["wall"], x["odoo_restore"]["cpu"], x["odoo_restore_load"],
              x["lb_restore"]["wall"], x["lb_restore"]["cpu"], x["lb_restore_load"],
              x["restore_ratio"], oz_cell, oz_ratio,
              x["lb_backup"]["rss_mb"], x["lb_restore"]["rss_mb"]))
    a("")
    a("### Where the time goes")
    a("")
    a("Medians over the runs, in seconds. Odoo's phases run one after the other; Lifeboat's overlap "
      "(the filestore is captured or extracted while pg_dump or psql runs), so they do not add up.")
    a("")

    def ph(key, field, scale=1.0):
        return fmt_s(med([x[key].get(field) / scale if x[key].get(field) is not None else None for x in runs]))

    def outside(step, report):
        return fmt_s(med([x[step]["wall"] - x[report]["totalMillis"] / 1000 if "totalMillis" in x[report] else None
                          for x in runs]))

    a("| step | phases |")
    a("|---|---|")
    a("| Odoo backup | copy filestore %s, manifest %s, pg_dump to file %s, zip (deflate, one thread) %s, "
      "remove temp dir %s |" % (
          ph("odoo_backup_phases", "copy_filestore"), ph("odoo_backup_phases", "manifest"),
          ph("odoo_backup_phases", "pg_dump"), ph("odoo_backup_phases", "zip"),
          ph("odoo_backup_phases", "cleanup")))
    a("| Lifeboat backup | pg_dump streamed into the zip %s, then filestore %s; engine total %s (includes "
      "fsync and verification); outside the engine (JVM start, tool discovery) %s |" % (
          ph("lb_backup_report", "dumpMillis", 1000), ph("lb_backup_report", "filestoreMillis", 1000),
          ph("lb_backup_report", "totalMillis", 1000), outside("lb_backup", "lb_backup_report")))
    a("| Odoo restore | create database %s, extract zip %s, psql -f %s, move filestore %s, remove temp dir %s |" % (
        ph("odoo_restore_phases", "create_database"), ph("odoo_restore_phases", "extract"),
        ph("odoo_restore_phases", "psql"), ph("odoo_restore_phases", "move_filestore"),
        ph("odoo_restore_phases", "cleanup")))
    a("| Lifeboat restore | psql load streamed from the zip %s, filestore extraction alongside it %s; "
      "engine total %s (includes verification and sync); outside the engine (JVM start, opening and "
      "validating the zip, tool discovery) %s |" % (
          ph("lb_restore_report", "loadMillis", 1000), ph("lb_restore_report", "filestoreMillis", 1000),
          ph("lb_restore_report", "totalMillis", 1000), outside("lb_restore", "lb_restore_report")))
    a("")
    a("### How each side runs")
    a("")
    a("- **Odoo's method** (`bench/odoo_method.py`, step for step as `odoo/service/db.py`): backup = "
      "`shutil.copytree(filestore, tmp/filestore)`, `manifest.json`, `pg_dump --no-owner --file=tmp/dump.sql DB`, "
      "Python `zipfile` with `ZIP_DEFLATED` (zlib level 6, one thread, dump.sql first) to the output file, "
      "remove tmp. Restore = `CREATE DATABASE … ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0`, "
      "`zipfile.extractall(tmp, ['dump.sql'] + filestore/…)`, `psql --dbname=DB -q -f tmp/dump.sql`, "
      "`shutil.move(tmp/filestore, data_dir/filestore/DB)`, remove tmp. Odoo itself would also load its "
      "registry after the restore and stream the backup zip through a temporary file to the browser: "
      "the baseline here is slightly faster than the real thing.")
    flags = machine.get("lb_backup_flags", "")
    a("- **Lifeboat**: `lifeboat backup -d DB -o FILE.zip --data-dir DIR --json%s` (deflate level %s, "
      "referenced files only, zip fsynced and verified before it is renamed into place) and "
      "`lifeboat restore FILE.zip -d NEW --jobs 2 --data-dir DIR --json` (restored aside, verified, renamed) "
      "of that zip and of the zip Odoo's method wrote, all through the project's `./lifeboat` launcher built from the commit above." % (
          " " + flags if flags else "",
          machine.get("lb_level") or "?" if flags else (machine.get("lb_level") or "?") + ", that commit's default"))
    a("- Each side restores its own zip, and Lifeboat also restores Odoo's; after every run the restored databases are compared with the "
      "source (row counts) and their filestores counted, then dropped.")
    a("- PostgreSQL: throwaway cluster with default settings (fsync on, shared_buffers 128 MB) on the same "
      "machine, TCP on 127.0.0.1, role `odoo` (LOGIN CREATEDB, not superuser) for both sides.")
    a("")
    a("### Machine")
    a("")
    a("%s × %s, %s RAM, disk %s; Linux %s; %s; %s; %s. Load average %s at the start, %s at the end "
      "(the machine is shared: other builds ran during the measurement)." % (
          machine["nproc"], machine["cpu"], machine["ram"], machine["disk"], machine["kernel"],
          machine["jdk"], machine["postgres"], machine["python"], machine["load_start"],
          machine.get("load_end", "?")))
    a("")
    return "\n".join(L)


def write_doc(path, section):
    """Replaces the section (up to the next '## ' heading) but keeps what follows NOTES_MARKER in it."""
    text = open(path).read() if os.path.exists(path) else DOC_HEADER
    lines = text.split("\n")
    start = next((i for i, l in enumerate(lines) if l.strip() == SECTION), None)
    if start is None:
        new = text.rstrip("\n") + "\n\n" + section + "\n" + NOTES_MARKER + "\n"
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        old = lines[start:end]
        mark = next((i for i, l in enumerate(old) if l.strip() == NOTES_MARKER), None)
        notes = old[mark:] if mark is not None else [NOTES_MARKER, ""]
        body = section.rstrip("\n") + "\n\n" + "\n".join(notes).rstrip("\n") + "\n"
        new = "\n".join(lines[:start]) + "\n" + body + ("\n" + "\n".join(lines[end:]) if end < len(lines) else "")
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        fh.write(new.rstrip("\n") + "\n")
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--res", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--doc")
    p.add_argument("--command", default="bench/run.sh")
    args = p.parse_args()
    section = render(args.res, args.command)
    with open(args.out, "w") as fh:
        fh.write(section + "\n")
    if args.doc:
        write_doc(args.doc, section)


if __name__ == "__main__":
    main()
