"""python manage.py import_corpus PATH --corpus NAME"""

import pytest
from django.core.management import CommandError, call_command

from corpora.models import Article, Corpus
from tests.factories import UserFactory


def test_command_imports_a_folder_and_prints_the_report(db, shared_corpus_dir, capsys):
    call_command("import_corpus", str(shared_corpus_dir), corpus="shared")
    out, err = capsys.readouterr()
    assert "4 file(s) imported, 0 skipped, 0 failed; 4 article(s), 154 paragraph(s)" in out
    assert "imported  002_b8aa54d3edd41c2c.txt: 1 article(s), 95 paragraph(s)" in out
    assert "4/4" in err  # the progress bar reached the end
    assert Corpus.objects.get(name="shared").articles.count() == 4


def test_command_run_twice_skips_everything_the_second_time(db, shared_corpus_dir, capsys):
    call_command("import_corpus", str(shared_corpus_dir), corpus="c", no_progress=True)
    call_command("import_corpus", str(shared_corpus_dir), corpus="c", no_progress=True)
    out = capsys.readouterr().out
    assert "0 file(s) imported, 4 skipped, 0 failed" in out
    assert Article.objects.count() == 4


def test_command_fails_with_non_zero_status_when_a_file_fails(db, tmp_path, capsys):
    (tmp_path / "good.txt").write_text("A perfectly fine paragraph about the pipeline deal.")
    (tmp_path / "bad.jsonl").write_text('{"text": "fine"}\nnot json\n')
    with pytest.raises(CommandError, match="1 file\\(s\\) failed"):
        call_command("import_corpus", str(tmp_path), corpus="c", no_progress=True)
    out = capsys.readouterr().out
    assert "failed    bad.jsonl: line 2 is not valid JSON" in out
    assert Article.objects.count() == 1


def test_command_gives_a_new_corpus_an_owner(db, tmp_path):
    boss = UserFactory(username="boss", is_staff=True)
    (tmp_path / "a.txt").write_text("A perfectly fine paragraph about the pipeline deal.")
    call_command("import_corpus", str(tmp_path), corpus="owned", owner="boss", no_progress=True)
    assert Corpus.objects.get(name="owned").owner == boss
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("import_corpus", str(tmp_path), corpus="x", owner="nobody", no_progress=True)


def test_command_records_each_files_encoding_and_takes_an_encoding_option(db, tmp_path, capsys):
    french = "À Genève, le ministre a déclaré très naïvement que l'été serait chaud.\n\nIl l'a répété.\n"
    (tmp_path / "latin1.txt").write_bytes(french.encode("latin-1"))
    (tmp_path / "utf16.txt").write_bytes(("Second: " + french).encode("utf-16-le"))
    (tmp_path / "mixed.txt").write_bytes(french.encode("utf-8") * 2 + "Ajouté à la main.\n".encode("latin-1"))
    with pytest.raises(CommandError, match="1 file\\(s\\) failed"):
        call_command("import_corpus", str(tmp_path), corpus="enc", no_progress=True)
    out = capsys.readouterr().out
    assert "failed    mixed.txt: could not be decoded with confidence; tried utf-8" in out
    assert dict(Article.objects.values_list("source_name", "encoding")) == {
        "latin1.txt": "latin-1",
        "utf16.txt": "utf-16-le",
    }
    assert "Genève" in Article.objects.get(source_name="latin1.txt").text
    forced = tmp_path / "forced"
    forced.mkdir()
    (forced / "a.txt").write_bytes(french.encode("cp1252"))
    call_command("import_corpus", str(forced), corpus="forced", no_progress=True, encoding="cp1252")
    assert Article.objects.get(corpus__name="forced").encoding == "cp1252"
    with pytest.raises(CommandError, match="Unknown encoding 'martian'"):
        call_command("import_corpus", str(forced), corpus="forced", no_progress=True, encoding="martian")
