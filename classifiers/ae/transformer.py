"""Layer 5 (optional): fine-tune and run any local Hugging Face checkpoint as a binary AE classifier.

`[classifiers.transformer] model = "path"` turns it on; its probability is blended with the linear tier's
(`weight`). Only local files are read (local_files_only=True): no model hub at run time. torch and transformers
are the `transformer` extra, imported only when this tier is used.

CPU-friendly training: posts are cut to `max_length` tokens (64 covers a tweet), negatives can be subsampled
afresh each epoch (`neg_per_pos`; AE posts are rare), the learning rate warms up then decays linearly, and the
loss is class-weighted on what each epoch actually sees. `pvwatch_transformer.json` in the output directory
records the settings so the scorer uses the same `max_length`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from classifiers.ae.readers import Example
from pvwatch.errors import PvwatchError

MAX_TOKENS = 128
BATCH = 32
SETTINGS = "pvwatch_transformer.json"


class TransformerError(PvwatchError):
    """The checkpoint cannot be loaded or trained."""


def _load(path: Path, **kwargs: Any) -> tuple[Any, Any]:
    try:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
    except ImportError as exc:  # the optional extra is missing
        raise TransformerError("the transformer tier needs `pip install pvwatch[transformer]`") from exc
    try:
        tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(str(path), local_files_only=True, **kwargs)
    except (OSError, ValueError) as exc:
        raise TransformerError(f"{path} is not a loadable Hugging Face checkpoint ({exc}); give a local directory "
                               "with config.json, weights and tokenizer files") from exc
    return tok, model


def epoch_sample(labels: Sequence[bool], neg_per_pos: float | None, rng: random.Random) -> list[int]:
    """Indices one epoch trains on: every positive, and at most `neg_per_pos` negatives per positive (a fresh
    random draw each epoch, so over several epochs the model sees more of the negatives); shuffled."""
    pos = [i for i, y in enumerate(labels) if y]
    neg = [i for i, y in enumerate(labels) if not y]
    if neg_per_pos is not None and len(neg) > neg_per_pos * len(pos):
        neg = rng.sample(neg, max(1, round(neg_per_pos * len(pos))))
    order = pos + neg
    rng.shuffle(order)
    return order


def class_weights(n_pos: int, n_neg: int) -> list[float]:
    """Balanced cross-entropy weights [negative, positive]: recall comes first."""
    n = n_pos + n_neg
    return [n / (2 * n_neg), n / (2 * n_pos)]


def fine_tune(base: Path, examples: Sequence[Example], out: Path, epochs: int = 2, lr: float = 5e-5,
              batch_size: int = 16, seed: int = 0, max_steps: int | None = None, max_length: int = MAX_TOKENS,
              neg_per_pos: float | None = None, warmup: float = 0.06, balanced: bool = True,
              log: Callable[[str], None] | None = None,
              on_epoch: Callable[[int, TransformerScorer], None] | None = None,
              stop_after_epoch: int | None = None) -> Path:
    """Fine-tune `base` for AE/not-AE on `examples`; writes a checkpoint `TransformerScorer.load` reads.

    `on_epoch(n, scorer)` is called after each epoch with a scorer over the weights so far (for selecting an
    epoch on validation data); training resumes after it returns. `stop_after_epoch` saves the weights after that
    epoch of an `epochs`-long schedule (the learning rate decays as if all `epochs` ran): the checkpoint such a
    selection chose, reproduced."""
    import torch

    if len({e.label for e in examples}) < 2:
        raise TransformerError("fine-tuning needs both adverse-event and other examples")
    if stop_after_epoch is not None and not 1 <= stop_after_epoch <= epochs:
        raise TransformerError(f"stop_after_epoch {stop_after_epoch} is outside 1..{epochs}: give an epoch of the "
                               "schedule, or raise --epochs")
    torch.manual_seed(seed)
    rng = random.Random(seed)
    tok, model = _load(base, num_labels=2, ignore_mismatched_sizes=True)
    labels = [e.label for e in examples]
    plans = [epoch_sample(labels, neg_per_pos, rng) for _ in range(epochs)]
    total = sum((len(p) + batch_size - 1) // batch_size for p in plans)
    if max_steps is not None:
        total = min(total, max_steps)
    optim = torch.optim.AdamW(model.parameters(), lr=lr)
    n_warm = max(1, round(warmup * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / n_warm, max(0.0, (total - s) / max(1, total - n_warm))))
    seen_pos = sum(labels[i] for i in plans[0])
    weights = class_weights(seen_pos, len(plans[0]) - seen_pos) if balanced else [1.0, 1.0]
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weights))
    steps = 0
    for epoch, order in enumerate(plans, start=1):
        model.train()
        for i in range(0, len(order), batch_size):
            if steps >= total:
                break
            chunk = [examples[j] for j in order[i:i + batch_size]]
            enc = tok([e.text for e in chunk], truncation=True, max_length=max_length, padding=True,
                      return_tensors="pt")
            logits = model(**enc).logits
            loss = loss_fn(logits, torch.tensor([int(e.label) for e in chunk]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            optim.zero_grad()
            steps += 1
            if log is not None and (steps % 50 == 0 or steps == total):
                log(f"step {steps}/{total} loss {loss.item():.3f}")
        if on_epoch is not None:
            on_epoch(epoch, TransformerScorer(tok, model, max_length))  # puts the model in eval mode
        if epoch == stop_after_epoch:
            break
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    tok.save_pretrained(str(out))
    settings = {"max_length": max_length, "epochs": epochs, "stop_after_epoch": stop_after_epoch, "lr": lr,
                "batch_size": batch_size, "seed": seed, "neg_per_pos": neg_per_pos, "balanced": balanced,
                "steps": steps, "examples": len(examples), "positives": sum(labels)}
    (out / SETTINGS).write_text(json.dumps(settings, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out


def blend(linear: Sequence[float], transformer: Sequence[float], weight: float) -> list[float]:
    """The tier's score: (1 - weight) * linear + weight * transformer, post by post."""
    return [(1 - weight) * a + weight * b for a, b in zip(linear, transformer, strict=True)]


def average(runs: Sequence[Sequence[float]]) -> list[float]:
    """Post-by-post mean of several runs' scores."""
    return [sum(s) / len(runs) for s in zip(*runs, strict=True)]


class AveragedScorer:
    """Several fine-tuning runs of one checkpoint (different seeds), scores averaged: seeds alone move F1 by about
    0.02 on SMM4H, and their average ranks better than any one of them (docs/benchmarks.md). Costs one pass each."""

    def __init__(self, members: Sequence[TransformerScorer]) -> None:
        if not members:
            raise TransformerError("an averaged transformer tier needs at least one checkpoint")
        self.members = list(members)

    def score(self, texts: Sequence[str]) -> list[float]:
        return average([m.score(texts) for m in self.members])


class TransformerScorer:
    def __init__(self, tokenizer: Any, model: Any, max_length: int = MAX_TOKENS) -> None:
        self.tokenizer = tokenizer
        self.model = model.eval()
        self.max_length = max_length

    @classmethod
    def load(cls, path: Path) -> TransformerScorer:
        tok, model = _load(path)
        settings = path / SETTINGS
        max_length = MAX_TOKENS
        if settings.is_file():
            max_length = int(json.loads(settings.read_text(encoding="utf-8")).get("max_length", MAX_TOKENS))
        return cls(tok, model, max_length)

    def score(self, texts: Sequence[str]) -> list[float]:
        import torch

        out: list[float] = []
        # Sorting by length keeps padding (wasted compute) small; scores go back in input order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        probs_by_index: dict[int, float] = {}
        with torch.inference_mode():
            for i in range(0, len(order), BATCH):
                idx = order[i:i + BATCH]
                enc = self.tokenizer([texts[j] for j in idx], truncation=True, max_length=self.max_length,
                                     padding=True, return_tensors="pt")
                probs = torch.softmax(self.model(**enc).logits, dim=-1)[:, 1]
                probs_by_index.update((j, float(p)) for j, p in zip(idx, probs, strict=True))
        out = [probs_by_index[i] for i in range(len(texts))]
        return out
