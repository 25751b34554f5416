"""`pvwatch classify`, `pvwatch train`, `pvwatch eval`: the classifiers' commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from pvwatch.config import Config, load_config, parse_config
from pvwatch.errors import PvwatchError


def _config(path: Path, explicit: bool = False) -> Config:
    """The config file, or built-in defaults when it does not exist (and no command needs it: `explicit`)."""
    if path.exists() or explicit:
        return load_config(path)
    return parse_config({})


def _corpora(files: list[Path], fmt: str, text_col: str | None, label_col: str | None, lang: str | None) -> list:
    from classifiers.ae.readers import read_corpus

    return [(f, read_corpus(f, fmt, text_col, label_col, lang)) for f in files]


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the main app."""
    from pvwatch.cli.options import ConfigOrDefaultsOpt, handle_errors

    @app.command()
    @handle_errors
    def classify(
        text: str = typer.Argument(None, help="One post to classify (omit with --file)."),
        file: Path = typer.Option(None, "--file", "-f", help="Posts: JSONL lines {id, text, lang?} or CSV."),
        fmt: str = typer.Option("jsonl", "--format", help="Output: jsonl (one line per post) or json (indented)."),
        input_format: str = typer.Option("auto", "--input-format", help="auto (by extension), jsonl or csv."),
        lang: str = typer.Option(None, "--lang", help="Language of TEXT (fr, en); detected when omitted."),
        config: Path = ConfigOrDefaultsOpt,
    ) -> None:
        """Classify posts and print JSON: adverse event, evidence, special situations, ICSR, personal data."""
        from classifiers.ae.batch_io import classify_stream, read_posts, record
        from classifiers.analyzer import Analyzer

        if fmt not in ("jsonl", "json"):
            raise PvwatchError(f"--format {fmt!r}: use jsonl or json")
        if (text is None) == (file is None):
            raise PvwatchError("give either a TEXT argument or --file FILE")
        analyzer = Analyzer.from_config(_config(config))
        if text is not None:
            from pvwatch.sanitize import clean_text

            # argv bytes that are not UTF-8 arrive as lone surrogates: cleaned like any post text
            rec = record(None, analyzer.analyze(clean_text(text), lang))
            typer.echo(json.dumps(rec, ensure_ascii=False, indent=2 if fmt == "json" else None))
            return
        if not file.exists():
            raise PvwatchError(f"{file} does not exist")
        classify_stream(analyzer, read_posts(file, input_format), sys.stdout, pretty=fmt == "json")

    @app.command()
    @handle_errors
    def train(
        corpus: list[Path] = typer.Option(None, "--corpus", help="Training corpus (repeatable): JSONL/CSV/TSV/BRAT."),
        out: Path = typer.Option(Path("models/custom"), "--out", "-o", help="Directory to write the model to."),
        fmt: str = typer.Option("auto", "--format", help="auto, jsonl, csv, tsv (unquoted), tsv-quoted (CSV "
                                "quoting, as PsyTAR), brat, druglib or ade."),
        text_column: str = typer.Option(None, "--text-column"),
        label_column: str = typer.Option(None, "--label-column", help="Label column (BRAT: entity types)."),
        lang: str = typer.Option(None, "--lang", help="Language of corpora that do not say."),
        from_decisions: bool = typer.Option(False, "--from-decisions", help="Add reviewer decisions from the store."),
        with_default_data: bool = typer.Option(True, "--with-default-data/--only-corpus",
                                               help="Also train on the data the default model is built from."),
        recall: float = typer.Option(0.8, "--recall", help="Recall the threshold is chosen for (out-of-fold)."),
        transformer: Path = typer.Option(None, "--transformer", help="Fine-tune this local HF checkpoint instead."),
        epochs: int = typer.Option(2, "--epochs", help="Transformer epochs."),
        batch_size: int = typer.Option(16, "--batch-size", help="Transformer: posts per training step."),
        seed: int = typer.Option(0, "--seed", help="Transformer: seed (train several, list them all in the config)."),
        stop_after_epoch: int = typer.Option(None, "--stop-after-epoch",
                                             help="Transformer: keep the weights after this epoch of --epochs."),
        max_length: int = typer.Option(128, "--max-length", help="Transformer: tokens per post (64 fits a tweet)."),
        neg_per_pos: float = typer.Option(None, "--neg-per-pos",
                                          help="Transformer: negatives sampled per positive each epoch (default all)."),
        config: Path = ConfigOrDefaultsOpt,
    ) -> None:
        """Train an adverse-event model; prints the recall-first threshold to put in [classifiers] ae_threshold."""
        from classifiers.ae.layers import Layers
        from classifiers.ae.readers import Example
        from classifiers.ae.training import train as fit

        cfg = _config(config, explicit=from_decisions)
        examples: list[Example] = [e for _, exs in _corpora(corpus or [], fmt, text_column, label_column, lang)
                                   for e in exs]
        if from_decisions:
            from classifiers.decisions import labelled_examples
            from pvwatch.storage import open_store

            with open_store(cfg) as store:
                decided = [Example(t, bool(y), lg, f"decision:{i}")
                           for i, (t, lg, y) in enumerate(labelled_examples(store))]
            typer.echo(f"reviewer decisions: {len(decided)} ({sum(e.label for e in decided)} adverse events)")
            examples += decided
        if transformer is not None:
            from classifiers.ae.transformer import fine_tune

            fine_tune(transformer, examples, out, epochs=epochs, max_length=max_length, neg_per_pos=neg_per_pos,
                      seed=seed, stop_after_epoch=stop_after_epoch, batch_size=batch_size)
            typer.echo(f"wrote {out}; set [classifiers.transformer] model = \"{out}\"")
            return
        if with_default_data:
            from classifiers.build_model import default_training_data

            examples += default_training_data(require_shared=False)
        if not examples:
            raise PvwatchError("no training examples; give --corpus FILE or --from-decisions")
        model = fit(Layers(cfg.products, cfg.classifiers.languages), examples, recall=recall,
                    meta={"name": f"linear:{out.name}", "corpora": [str(c) for c in corpus or []]})
        model.save(out)
        typer.echo(f"trained on {len(examples)} examples ({sum(e.label for e in examples)} adverse events); "
                   f"wrote {out}")
        typer.echo(f"threshold for recall >= {recall}: {model.meta.get('threshold')} "
                   f"(set [classifiers] model_path = \"{out}\" and ae_threshold)")

    @app.command("eval")
    @handle_errors
    def evaluate_cmd(
        corpus: list[Path] = typer.Option(..., "--corpus", help="Labelled corpus (repeatable); reported separately."),
        fmt: str = typer.Option("auto", "--format"),
        text_column: str = typer.Option(None, "--text-column"),
        label_column: str = typer.Option(None, "--label-column"),
        lang: str = typer.Option(None, "--lang"),
        model: Path = typer.Option(None, "--model", help="Model directory (default: classifiers.model_path)."),
        threshold: float = typer.Option(None, "--threshold",
                                        help="Default: the sensitivity preset, or ae_threshold(_fr) when set."),
        as_json: bool = typer.Option(False, "--json"),
        config: Path = ConfigOrDefaultsOpt,
    ) -> None:
        """Precision, recall, F1 (positive class) and the confusion matrix, per corpus."""
        from classifiers.adverse_events import AdverseEventClassifier
        from classifiers.ae.metrics import confusion_table, evaluate

        cfg = _config(config)
        if model is not None:
            cfg.classifiers.model_path = str(model.resolve())
        clf = AdverseEventClassifier.from_config(cfg)
        if threshold is not None:  # one threshold for every language
            clf.set_threshold(threshold)
        in_force = clf.thresholds.summary(clf.languages)
        results = {}
        for path, exs in _corpora(corpus, fmt, text_column, label_column, lang):
            if not exs:
                raise PvwatchError(f"{path}: no labelled example read; check --format and the column options")
            evs = clf.evidence([e.text for e in exs], [e.lang for e in exs])
            rep = evaluate([e.label for e in exs], [s >= clf.threshold_for(ev.lang)
                                                    for s, ev in zip(clf.scores(evs), evs, strict=True)])
            results[str(path)] = rep.as_dict()
            if not as_json:
                shown = ", ".join(f"{lg} {v:g}" for lg, v in in_force.items())
                typer.echo(f"{path}  n={len(exs)} positives={sum(e.label for e in exs)}  model={clf.model_name} "
                           f"sensitivity={clf.thresholds.sensitivity.value} thresholds: {shown}")
                typer.echo(f"  precision {rep.precision:.3f}  recall {rep.recall:.3f}  F1 {rep.f1:.3f}")
                typer.echo(confusion_table(rep))
        if as_json:
            explicit = {lg: v for lg, v in clf.thresholds.explicit.items() if lg != "*"}
            typer.echo(json.dumps({"threshold": clf.threshold_for(None), "lang_thresholds": explicit,
                                   "sensitivity": clf.thresholds.sensitivity.value, "thresholds": in_force,
                                   "model": clf.model_name,
                                   "corpora": results}, indent=2))
