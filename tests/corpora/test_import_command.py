"""python manage.py import_corpus PATH --corpus NAME"""

import pytest
from django.core.management import CommandError, call_command

from corpora.models import Article, Corpus


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
