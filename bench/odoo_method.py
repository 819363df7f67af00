#!/usr/bin/env python3
"""Odoo's own backup and restore, step for step, without Odoo.

Follows odoo/service/db.py:
  backup  (dump_db, format 'zip'): in a temporary directory, copy the filestore with
          shutil.copytree, write manifest.json, run `pg_dump --no-owner --file=dump.sql DB`,
          then zip the directory with zipfile.ZIP_DEFLATED (zlib's default level, allowZip64),
          dump.sql first (odoo.tools.osutil.zip_dir), and remove the temporary directory.
  restore (restore_db): create the empty database as _create_empty_database does, extract
          dump.sql and filestore/ from the zip into a temporary directory, run
          `psql --dbname=DB -q -f dump.sql`, move the filestore into DATA_DIR/filestore/DB with
          shutil.move, and remove the temporary directory.

Odoo writes the zip to a temporary file or the HTTP response; here it goes straight to the output
file. The restore skips loading Odoo's registry. Both omissions make this baseline slightly faster
than the real thing.

Connection settings come from PGHOST/PGPORT/PGUSER, as Odoo's exec_pg_environ passes them.
Phase timings (seconds) are written as JSON to --timings.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile


def pg_tool(pg_bin, name):
    return os.path.join(pg_bin, name) if pg_bin else name


def psql_query(pg_bin, db, sql):
    out = subprocess.run(
        [pg_tool(pg_bin, "psql"), "-X", "-A", "-t", "-F", "\t", "-d", db, "-c", sql],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def manifest(pg_bin, db):
    version = psql_query(pg_bin, db, "SHOW server_version_num")[0][0]
    major, minor = divmod(int(version) // 100, 100)
    modules = dict(
        psql_query(pg_bin, db, "SELECT name, latest_version FROM ir_module_module WHERE state = 'installed'")
    )
    # the Odoo version is Odoo's own; the base module's version starts with it
    series = ".".join(modules.get("base", "17.0").split(".")[:2])
    return {
        "odoo_dump": "1",
        "db_name": db,
        "version": series,
        "version_info": [int(x) if x.isdigit() else x for x in series.split(".")] + [0, "final", 0, ""],
        "major_version": series,
        "pg_version": "%d.%d" % (major, minor),
        "modules": modules,
    }


def zip_dir(path, stream):
    """zip_dir(path, stream, include_dir=False, fnct_sort=lambda f: f != 'dump.sql')."""
    path = os.path.normpath(path)
    prefix = len(path) + 1
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for dirpath, _dirnames, filenames in os.walk(path):
            for fname in sorted(filenames, key=lambda f: f != "dump.sql"):
                base, ext = os.path.splitext(fname)
                if (ext or base) in (".pyc", ".pyo", ".swp", ".DS_Store"):
                    continue
                full = os.path.normpath(os.path.join(dirpath, fname))
                if os.path.isfile(full):
                    zf.write(full, full[prefix:])


def backup(args, t):
    filestore = os.path.join(args.data_dir, "filestore", args.database)
    mark = time.monotonic()
    with tempfile.TemporaryDirectory() as dump_dir:
        if os.path.exists(filestore):
            shutil.copytree(filestore, os.path.join(dump_dir, "filestore"))
        t["copy_filestore"] = time.monotonic() - mark
        mark = time.monotonic()
        with open(os.path.join(dump_dir, "manifest.json"), "w") as fh:
            json.dump(manifest(args.pg_bin, args.database), fh, indent=4)
        t["manifest"] = time.monotonic() - mark
        mark = time.monotonic()
        cmd = [pg_tool(args.pg_bin, "pg_dump"), "--no-owner", "--file=" + os.path.join(dump_dir, "dump.sql"), args.database]
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=True)
        t["dump_bytes"] = os.path.getsize(os.path.join(dump_dir, "dump.sql"))
        t["pg_dump"] = time.monotonic() - mark
        mark = time.monotonic()
        with open(args.output, "wb") as stream:
            zip_dir(dump_dir, stream)
        t["zip"] = time.monotonic() - mark
        mark = time.monotonic()
    t["cleanup"] = time.monotonic() - mark


def create_empty_database(pg_bin, name):
    """_create_empty_database with db_template = template0 (Odoo's default)."""
    subprocess.run(
        [pg_tool(pg_bin, "psql"), "-X", "-q", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c",
         'CREATE DATABASE "%s" ENCODING \'unicode\' LC_COLLATE \'C\' TEMPLATE "template0"' % name],
        check=True,
    )
    # Odoo only logs a warning when these fail
    for sql in ("CREATE EXTENSION IF NOT EXISTS pg_trgm", "GRANT CREATE ON SCHEMA PUBLIC TO PUBLIC"):
        subprocess.run([pg_tool(pg_bin, "psql"), "-X", "-q", "-d", name, "-c", sql],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def restore(args, t):
    mark = time.monotonic()
    create_empty_database(args.pg_bin, args.database)
    t["create_database"] = time.monotonic() - mark
    filestore_path = None
    mark = time.monotonic()
    with tempfile.TemporaryDirectory() as dump_dir:
        if not zipfile.is_zipfile(args.input):
            sys.exit("not a zip: " + args.input)
        with zipfile.ZipFile(args.input, "r") as z:
            filestore = [m for m in z.namelist() if m.startswith("filestore/")]
            z.extractall(dump_dir, ["dump.sql"] + filestore)
            if filestore:
                filestore_path = os.path.join(dump_dir, "filestore")
        t["extract"] = time.monotonic() - mark
        mark = time.monotonic()
        r = subprocess.run(
            [pg_tool(args.pg_bin, "psql"), "--dbname=" + args.database, "-q", "-f", os.path.join(dump_dir, "dump.sql")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        if r.returncode != 0:
            sys.exit("Couldn't restore database")
        t["psql"] = time.monotonic() - mark
        mark = time.monotonic()
        if filestore_path:
            dest = os.path.join(args.data_dir, "filestore", args.database)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.move(filestore_path, dest)
        t["move_filestore"] = time.monotonic() - mark
        mark = time.monotonic()
    t["cleanup"] = time.monotonic() - mark


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["backup", "restore"])
    p.add_argument("-d", "--database", required=True)
    p.add_argument("--data-dir", required=True)
    p.add_argument("--pg-bin", default="")
    p.add_argument("-o", "--output", help="zip to write (backup)")
    p.add_argument("-i", "--input", help="zip to read (restore)")
    p.add_argument("--timings", help="write phase timings here as JSON")
    args = p.parse_args()
    t = {}
    start = time.monotonic()
    if args.command == "backup":
        backup(args, t)
    else:
        restore(args, t)
    t["total"] = time.monotonic() - start
    if args.timings:
        with open(args.timings, "w") as fh:
            json.dump(t, fh)


if __name__ == "__main__":
    main()
