"""Layer 5 (optional): fine-tune and run any local Hugging Face checkpoint as a binary AE classifier.

`[classifiers.transformer] model = "path"` turns it on; its probability is blended with the linear tier's
(`weight`). Only local files are read (local_files_only=True): no model hub at run time. torch and transformers
are the `transformer` extra, imported only when this tier is used.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from classifiers.ae.readers import Example
from pvwatch.errors import PvwatchError

MAX_TOKENS = 128
BATCH = 32


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


def fine_tune(base: Path, examples: Sequence[Example], out: Path, epochs: int = 2, lr: float = 5e-5,
              batch_size: int = 16, seed: int = 0, max_steps: int | None = None) -> Path:
    """Fine-tune `base` for AE/not-AE on `examples`; writes a checkpoint `TransformerScorer.load` reads."""
    import torch

    if len({e.label for e in examples}) < 2:
        raise TransformerError("fine-tuning needs both adverse-event and other examples")
    torch.manual_seed(seed)
    rng = random.Random(seed)
    tok, model = _load(base, num_labels=2, ignore_mismatched_sizes=True)
    model.train()
    optim = torch.optim.AdamW(model.parameters(), lr=lr)
    # Class weights: AE posts are rare in real streams; recall comes first.
    pos = sum(e.label for e in examples)
    weights = torch.tensor([len(examples) / (2 * (len(examples) - pos)), len(examples) / (2 * pos)])
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    order = list(range(len(examples)))
    steps = 0
    for _ in range(epochs):
        rng.shuffle(order)
        for i in range(0, len(order), batch_size):
            chunk = [examples[j] for j in order[i:i + batch_size]]
            enc = tok([e.text for e in chunk], truncation=True, max_length=MAX_TOKENS, padding=True,
                      return_tensors="pt")
            logits = model(**enc).logits
            loss = loss_fn(logits, torch.tensor([int(e.label) for e in chunk]))
            loss.backward()
            optim.step()
            optim.zero_grad()
            steps += 1
            if max_steps is not None and steps >= max_steps:
                break
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return out


class TransformerScorer:
    def __init__(self, tokenizer: Any, model: Any) -> None:
        self.tokenizer = tokenizer
        self.model = model.eval()

    @classmethod
    def load(cls, path: Path) -> TransformerScorer:
        tok, model = _load(path)
        return cls(tok, model)

    def score(self, texts: Sequence[str]) -> list[float]:
        import torch

        out: list[float] = []
        with torch.inference_mode():
            for i in range(0, len(texts), BATCH):
                enc = self.tokenizer(list(texts[i:i + BATCH]), truncation=True, max_length=MAX_TOKENS, padding=True,
                                     return_tensors="pt")
                probs = torch.softmax(self.model(**enc).logits, dim=-1)[:, 1]
                out.extend(float(p) for p in probs)
        return out
