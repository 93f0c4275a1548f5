"""The command line, end to end through main([...]) and a real subprocess, against local servers."""

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from classifier import RESULT_COLUMNS, load_corpus
from classifier.cli import main
from classifier.demo import serve_sites

from conftest import SHARED, page_html, send

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo_sites"
NON = (
    "<p>Our program is not a 12-Step program. We use SMART Recovery and CBT, and no one here will ask you to "
    "admit you are powerless.</p>"
)
FAC = (
    "<p>Our IOP offers CBT, DBT and EMDR. Clients are introduced to AA and NA through Twelve Step Facilitation, "
    "and our van drives them to local meetings.</p>"
)
FAST = ["--allow-private", "--delay", "0", "--timeout", "2"]


@pytest.fixture
def sites(make_server):
    non, fac, gone = make_server(), make_server(), make_server()
    non.add("/", page_html(NON))
    fac.add("/", page_html(FAC))
    gone.add("/", "gone", status=404)
    return non, fac, gone


def no_traceback(capsys):
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_text_list_to_csv(sites, tmp_path, capsys, default_model):
    non, fac, _ = sites
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# providers\n{non.url('/')}\n\n{fac.url('/')}\n")
    out = tmp_path / "out.csv"
    assert main(["classify", str(listing), "-o", str(out), *FAST]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == list(RESULT_COLUMNS)
    assert table["label"].tolist() == ["non-12-step", "12-step-facilitated"]
    assert table["model_version"].nunique() == 1
    err = no_traceback(capsys)
    assert "results written to" in err and "non-12-step: 1" in err
    assert not (tmp_path / "out.csv.partial.jsonl").exists()


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
def test_tables_carry_every_column_through(sites, tmp_path, suffix, default_model):
    non, fac, gone = sites
    frame = pd.DataFrame(
        {
            "Name": ["A", "B", "C", "A again"],
            "ZIP": ["02115", "00501", "", "02115"],
            "WEBSITE": [non.url("/"), fac.url("/"), gone.url("/"), non.url("/")],
        }
    )
    source = tmp_path / f"in{suffix}"
    writers = {
        ".csv": lambda: frame.to_csv(source, index=False),
        ".tsv": lambda: frame.to_csv(source, index=False, sep="\t"),
        ".jsonl": lambda: frame.to_json(source, orient="records", lines=True),
        ".parquet": lambda: frame.to_parquet(source, index=False),
    }
    writers[suffix]()
    out = tmp_path / f"out{suffix}"
    assert main(["classify", str(source), "-o", str(out), *FAST]) == 1  # the 404 row
    readers = {
        ".csv": lambda: pd.read_csv(out, dtype=str, keep_default_na=False),
        ".tsv": lambda: pd.read_csv(out, sep="\t", dtype=str, keep_default_na=False),
        ".jsonl": lambda: pd.read_json(out, lines=True, dtype=False).astype(str),
        ".parquet": lambda: pd.read_parquet(out).astype(str),
    }
    table = readers[suffix]()
    assert list(table.columns) == ["Name", "ZIP", "WEBSITE", *RESULT_COLUMNS]
    assert table[["Name", "ZIP", "WEBSITE"]].astype(str).equals(frame.astype(str))
    assert table["status"].tolist() == ["ok", "ok", "http_error", "ok"]
    assert table["label"].tolist()[:2] == ["non-12-step", "12-step-facilitated"]


def test_standard_input_and_readable_table(sites, monkeypatch, capsys, default_model):
    non, _, _ = sites
    monkeypatch.setattr(sys, "stdin", io.StringIO(non.url("/") + "\n"))
    assert main(["classify", "-", *FAST]) == 0
    out = capsys.readouterr().out
    assert "non-12-step" in out and non.url("/") in out


def test_saved_html_folder(tmp_path, capsys, default_model):
    out = tmp_path / "local.csv"
    assert main(["classify", str(DEMO), "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) == len([p for p in DEMO.iterdir() if p.is_dir()])
    assert (table["status"] == "ok").all()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["classify", "missing.txt"], "no such file"),
        (["classify", "{tmp}/in.csv", "--url-column", "nope"], "no column 'nope'"),
        (["classify", "{tmp}/in.csv"], "'url' or 'website'"),
        (["classify", "{tmp}/urls.txt", "-o", "{tmp}/out.xlsx"], ".csv, .tsv, .jsonl or .parquet"),
        (["classify", "{tmp}/urls.txt", "--delay", "-1"], "delay=-1"),
        (["classify", "{tmp}/urls.txt", "--resume"], "--resume needs -o"),
        (["evaluate", "{tmp}/in.csv", "--model", "{tmp}/none.joblib"], "needs a label column"),
        (["explain", "http://127.0.0.1:9/", "--model", "{tmp}/none.joblib"], "no model file"),
    ],
)
def test_bad_usage_exits_2_with_a_sentence(tmp_path, capsys, argv, words):
    (tmp_path / "in.csv").write_text("name,city\nA,B\n")
    (tmp_path / "urls.txt").write_text("http://127.0.0.1:9/\n")
    code = main([arg.replace("{tmp}", str(tmp_path)) for arg in argv])
    err = no_traceback(capsys)
    assert code == 2 and "stepcheck: error:" in err and words in err


def test_unfinished_run_is_not_overwritten_without_resume(tmp_path, capsys):
    (tmp_path / "urls.txt").write_text("http://127.0.0.1:9/\n")
    (tmp_path / "out.csv.partial.jsonl").write_text("")
    assert main(["classify", str(tmp_path / "urls.txt"), "-o", str(tmp_path / "out.csv")]) == 2
    assert "--resume" in no_traceback(capsys)


def test_pages_out_lists_every_page_with_its_own_label(sites, tmp_path, default_model):
    non, _, gone = sites
    (tmp_path / "urls.txt").write_text(f"{non.url('/')}\n{gone.url('/')}\n")
    pages = tmp_path / "pages.jsonl"
    main(["classify", str(tmp_path / "urls.txt"), "-o", str(tmp_path / "o.csv"), "--pages-out", str(pages), *FAST])
    records = [json.loads(line) for line in pages.read_text().splitlines()]
    by_site = {record["site"]: record for record in records}
    assert by_site[non.url("/")]["label"] == "non-12-step" and by_site[non.url("/")]["status"] == "ok"
    assert by_site[gone.url("/")]["status"] == "http_error" and by_site[gone.url("/")]["label"] == ""


def test_explain_shows_label_evidence_and_features(sites, capsys, default_model):
    non, _, _ = sites
    assert main(["explain", non.url("/"), *FAST]) == 0
    out = capsys.readouterr().out
    assert "label: non-12-step" in out and "not a 12-Step program" in out and "top features:" in out


def test_no_robots_warns(sites, capsys, default_model):
    non, _, _ = sites
    assert main(["scrape", non.url("/"), "--no-robots", *FAST]) == 0
    assert "robots.txt will be ignored" in capsys.readouterr().err


def test_demo_runs_offline_and_writes_its_table(tmp_path, capsys, default_model):
    out = tmp_path / "demo.csv"
    assert main(["demo", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) >= 9 and (table["status"] == "ok").all()
    printed = capsys.readouterr().out
    assert str(out) in printed and "sites got the label" in printed


def test_train_and_evaluate_commands(tmp_path, capsys):
    corpus = load_corpus().groupby("label").head(20)
    corpus.to_json(tmp_path / "small.jsonl", orient="records", lines=True)
    model = tmp_path / "small.joblib"
    assert main(["train", str(tmp_path / "small.jsonl"), "-o", str(model), "--no-cv"]) == 0
    assert model.exists() and (tmp_path / "small.joblib.json").exists()
    held = pd.DataFrame(
        {
            "text": [NON, FAC, "Call us to verify your insurance benefits today."],
            "label": ["non-12-step", "12-step-facilitated", "no-stance"],
        }
    )
    held.to_csv(tmp_path / "held.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "held.csv"), "--model", str(model)]) == 0
    out = capsys.readouterr().out
    for words in ("macro-F1", "cue-rules baseline", "calibration error", "coverage", "predicted"):
        assert words in out


def _run(args, env):
    return subprocess.Popen(
        [sys.executable, "-m", "classifier.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_killed_run_resumes_without_losing_or_duplicating_rows(make_server, tmp_path, default_model):
    servers = [make_server() for _ in range(10)]
    for index, server in enumerate(servers):
        body = page_html(NON if index % 2 else FAC).encode()
        server.routes["/"] = lambda h, body=body: (time.sleep(0.4), send(h, 200, body))
    urls = [server.url("/") for server in servers]
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join([*urls, urls[0], "not a url"]) + "\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    common = ["--allow-private", "--delay", "0", "--concurrency", "2", "--max-pages", "1", "--no-robots"]
    out, journal = tmp_path / "out.csv", tmp_path / "out.csv.partial.jsonl"

    first = _run(["classify", str(listing), "-o", str(out), *common], env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if journal.exists() and len(journal.read_text().splitlines()) >= 3:
            break
        assert first.poll() is None, first.stderr.read().decode()
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert not out.exists() and journal.exists()
    journaled = {json.loads(line)["url"] for line in journal.read_text().splitlines() if line.endswith("}")}
    assert 3 <= len(journaled) < 10

    def fetched() -> int:
        return sum(server.paths().count("/") for server in servers)

    before = fetched()
    second = _run(["classify", str(listing), "-o", str(out), "--resume", *common], env)
    assert second.wait(timeout=300) == 1, second.stderr.read().decode()  # "not a url" fails
    assert not journal.exists()
    assert fetched() - before == 10 - len(journaled), "resume must fetch exactly what the journal lacks"
    full = tmp_path / "full.csv"
    third = _run(["classify", str(listing), "-o", str(full), *common], env)
    assert third.wait(timeout=300) == 1

    resumed, uninterrupted = pd.read_csv(out), pd.read_csv(full)
    assert len(resumed) == 12 and resumed["url"].tolist() == [*urls, urls[0], "not a url"]
    pd.testing.assert_frame_equal(resumed, uninterrupted)


SAMHSA = SHARED / "data" / "samhsa" / "ca_residential_facilities_2025.csv"


@pytest.mark.skipif(not SAMHSA.is_file(), reason="../shared/data/samhsa is not present")
def test_samhsa_locator_export_comes_back_whole(monkeypatch, make_server, tmp_path, default_model):
    """Every real provider host is answered by a local server: a demo site or an error."""
    import socket
    from urllib.parse import urlsplit

    source = pd.read_csv(SAMHSA, dtype=str, keep_default_na=False)
    assert len(source) == 478
    with serve_sites(DEMO) as demo_urls:
        ports = [int(urlsplit(url).port) for url in demo_urls.values()]
        failing = make_server()
        failing.routes["/"] = lambda h: send(h, 503, b"down")
        ports.append(failing.port)
        real = socket.getaddrinfo

        def local(host, port, *args, **kwargs):
            name = host.decode() if isinstance(host, bytes) else str(host)
            if name.startswith("127.") or name == "localhost":
                return real(host, port, *args, **kwargs)
            chosen = ports[sum(name.encode()) % len(ports)]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", chosen))]

        monkeypatch.setattr(socket, "getaddrinfo", local)
        out = tmp_path / "ca.csv"
        code = main(
            [
                "classify",
                str(SAMHSA),
                "-o",
                str(out),
                "--allow-private",
                "--delay",
                "0",
                "--concurrency",
                "16",
                "--max-pages",
                "2",
                "--timeout",
                "2",
            ]
        )
    assert code in (0, 1)
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(table) == 478
    assert table[list(source.columns)].equals(source)
    assert set(table["status"]) <= {"ok", "http_error", "connection_error", "invalid_url", "blocked_by_robots"}
    assert (table["status"] == "ok").sum() > 100


def test_evaluate_fetches_url_label_files_through_the_scraper(sites, tmp_path, capsys, default_model):
    non, fac, gone = sites
    pd.DataFrame(
        {
            "url": [non.url("/"), fac.url("/"), gone.url("/")],
            "label": ["non-12-step", "12-step-facilitated", "no-stance"],
        }
    ).to_csv(tmp_path / "u.csv", index=False)
    assert main(["evaluate", str(tmp_path / "u.csv"), *FAST]) == 0
    out, err = capsys.readouterr()
    assert "(2 pages)" in out and "skipping" in err and gone.url("/") in err


def test_scrape_prints_each_site_and_writes_its_pages(sites, tmp_path, capsys):
    non, _, gone = sites
    out = tmp_path / "pages.jsonl"
    assert main(["scrape", non.url("/"), gone.url("/"), "not a url", "-o", str(out), *FAST]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in printed] == ["ok", "http_error", "invalid_url"]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["site"] for r in records} == {non.url("/"), gone.url("/"), "not a url"}
    assert all({"status", "text", "links", "fetched_at"} <= set(r) for r in records)
