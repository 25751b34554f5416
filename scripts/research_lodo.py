"""Shared by the research scripts of sessions 15-16 (research_views_ae.py, research_wd_ae.py,
research_psytar_dev.py, research_druglib_relabel.py, research_mlp_head.py): the LODO blends of one candidate
training set, on top of train-only rows. Shippable data only."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from select_ae_model import cached_features  # noqa: E402

from classifiers.ae.build_tier import C_GRID, HEAD_GRID, WEIGHT_GRID  # noqa: E402
from classifiers.ae.domains import Domain, collapse, domain_of, linear_lodo, lodo_scores, per_domain_auc  # noqa: E402
from classifiers.ae.head import EmbeddingHead, HeadSpec, sigmoid  # noqa: E402
from classifiers.ae.head_lodo import head_lodo_logits  # noqa: E402
from classifiers.ae.model import LinearParams  # noqa: E402
from classifiers.ae.readers import Example  # noqa: E402
from classifiers.build_model import train_only_data  # noqa: E402


@dataclass
class Candidate:
    data: list[Example]  # the scored rows (collapsed)
    domains: list[Domain]
    linear: np.ndarray
    blends: dict[tuple[float, float], np.ndarray]  # (head C, weight) -> LODO scores of the blend


Fit = Callable[[np.ndarray, np.ndarray], np.ndarray]


def head_fitter(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float) -> Fit:
    def fit(tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        return EmbeddingHead.fit(x[tr], y[tr].tolist(), c=c, weights=w[tr]).prob(x[te])
    return fit


@dataclass
class Prepared:
    data: list[Example]  # the scored rows (collapsed); every row is data + extra
    domains: list[Domain]
    row_domains: list[Domain]
    w: np.ndarray
    y: np.ndarray
    linear: np.ndarray  # LODO scores of the linear tier on the scored rows
    x: np.ndarray  # USE embeddings of every row
    extra: list[Example]  # the train-only rows

    def texts(self) -> list[str]:
        return [e.text for e in self.data + self.extra]


def prepare(base: list[Example], platforms: dict[str, str], cache: Path, use: Any,
            extra: list[Example] | None = None, mask_drugs: bool = False) -> Prepared:
    """The shipped linear tier (`nofeat+unbalanced`, C=2; with `mask_drugs`, reading drug names masked) trained
    on `base` plus train-only rows (the build's unless `extra` is given), scored leave-one-domain-out on `base`'s
    rows; and every row's USE embedding."""
    extra = train_only_data() if extra is None else extra
    data, doms, weights = collapse(base, platforms)
    rows, d = data + extra, doms + [domain_of(e, platforms) for e in extra]
    w = np.asarray(weights + [1.0] * len(extra))
    y = np.asarray([e.label for e in rows], dtype=bool)
    texts, feats = cached_features(rows, cache / ("feats_masked.jsonl" if mask_drugs else "feats.jsonl"), mask_drugs)
    params = LinearParams(feature_scale=0.0, balanced=False, mask_drugs=mask_drugs)
    lin = linear_lodo(texts, feats, y.tolist(), w.tolist(), d, 2.0, params, n_eval=len(data))
    return Prepared(data, doms, d, w, y, lin, use.encode([e.text for e in rows]), extra)


def lodo_blends(base: list[Example], platforms: dict[str, str], cache: Path, use: Any,
                extra: list[Example] | None = None) -> Candidate:
    """The shipped family (linear + USE head at every C x weight), scored leave-one-domain-out on `base`'s rows."""
    p = prepare(base, platforms, cache, use, extra)
    heads = {c: lodo_scores(p.row_domains, head_fitter(p.x, p.y, p.w, c), n_eval=len(p.data)) for c in C_GRID}
    return Candidate(p.data, p.domains, p.linear,
                     {(c, wt): (1 - wt) * p.linear + wt * heads[c] for c in C_GRID for wt in WEIGHT_GRID})


def summary(aucs: dict[str, float]) -> str:
    """Mean and worst LODO AUC over the domains, then each domain's."""
    return f"mean {np.nanmean(list(aucs.values())):.4f} worst {np.nanmin(list(aucs.values())):.4f} {aucs}"


def head_lodo(p: Prepared, spec: HeadSpec) -> np.ndarray:
    """LODO scores of the head `spec` on the scored rows (train-only rows only ever train), as build_head."""
    return sigmoid(head_lodo_logits(p.x, p.y, p.w, p.row_domains, [spec], len(p.data))[spec])


def fingerprint(p: Prepared) -> str:
    """What a cached head score depends on: the vectors, labels, weights and domains of every row and which rows
    are scored. In cached file names, so a cache written for other rows or vectors is never read back."""
    h = hashlib.sha1(np.ascontiguousarray(p.x, dtype=np.float32).tobytes(), usedforsecurity=False)
    h.update(np.asarray(p.y, dtype=bool).tobytes())
    h.update(np.asarray(p.w, dtype=np.float64).tobytes())
    h.update(f"{len(p.data)}|{'|'.join(d.value for d in p.row_domains)}".encode())
    return h.hexdigest()[:12]


def lodo_logits(p: Prepared, specs: Sequence[HeadSpec], cache: Path, jobs: int | None = None,
                tag: str = "") -> dict[HeadSpec, np.ndarray]:
    """`head_lodo_logits` of each spec on `p`'s rows, kept in `cache` as logit<tag>_<spec>_<fingerprint>.npy
    (tag: what else the scores depend on, such as the backbone when it is not USE)."""
    fp = fingerprint(p)
    path = {s: cache / f"logit{tag}_{s}_{fp}.npy".replace(" ", "_") for s in specs}
    out = {s: np.load(path[s]) for s in specs if path[s].exists()}
    todo = [s for s in specs if s not in out]
    if todo:
        t0 = time.time()
        new = head_lodo_logits(p.x, p.y, p.w, p.row_domains, todo, len(p.data), jobs)
        for s, z in new.items():
            np.save(path[s], z)
        out |= new
        print(f"  {len(todo)} heads' LODO fits{tag and f' ({tag[1:]})'}: {time.time() - t0:.0f}s", flush=True)
    return out


def head_scores(p: Prepared, cache: Path, tag: str,
                specs: tuple[HeadSpec, ...] = HEAD_GRID) -> dict[str, np.ndarray]:
    """`head_lodo` of each spec on `p`'s embeddings, through `lodo_logits`'s cache (session 18's tag "mask"
    holds the head on the raw post)."""
    return {str(s): sigmoid(z) for s, z in lodo_logits(p, specs, cache, tag=f"_{tag}").items()}


def blend_aucs(linear: np.ndarray, heads: dict[str, np.ndarray],
               p: Prepared) -> dict[tuple[str, float], dict[str, float]]:
    """Each domain's LODO AUC of every blend (1 - w) * linear + w * head, keyed (head spec, w), on `p`'s scored
    rows: the table the build's rule (`build_tier.choose`) picks from."""
    return {(spec, wt): per_domain_auc((1 - wt) * linear + wt * head, p.data, p.domains)
            for spec, head in heads.items() for wt in WEIGHT_GRID}


REAL = (Domain.psytar.value, Domain.druglib.value)  # the real-post domains: reviews nobody on the team wrote


@dataclass
class GainBar:
    """The head rounds' gain bar (docs/benchmarks.md, sessions 20 and 22): the candidate's mean LODO AUC clears
    the baseline's by `gain`, neither real-post domain loses more than `real_loss`, and (with
    `real_mean_guard`, session 22) the real-post domains' mean does not fall."""
    gain: float
    real_loss: float = 0.005
    real_mean_guard: bool = False

    def judge(self, base: dict[str, float], cand: dict[str, float]) -> tuple[bool, str]:
        mb, mc = float(np.mean(list(base.values()))), float(np.mean(list(cand.values())))
        loss = max(base[x] - cand[x] for x in REAL)
        rb, rc = (float(np.mean([d[x] for x in REAL])) for d in (base, cand))
        ok = mc >= mb + self.gain and loss <= self.real_loss and (rc >= rb or not self.real_mean_guard)
        why = f"mean {mc:.4f} vs {mb:.4f}; largest real-post loss {loss:.4f}"
        return ok, why + (f"; real-post mean {rc:.4f} vs {rb:.4f}" if self.real_mean_guard else "")


def write_verdict(path: Path | None, base: tuple[Any, ...], pick: tuple[Any, ...],
                  table: dict[Any, dict[str, float]], adopted: bool) -> None:
    if path:
        path.write_text(json.dumps({"baseline": [*base, table[base]], "extended": [*pick, table[pick]],
                                    "adopted": adopted}, indent=1))


def round_setup(json_help: str,
                add_args: Callable[[argparse.ArgumentParser], None] | None = None) -> tuple[argparse.Namespace, Any]:
    """What every head round's script starts with: `--cache DIR [--json FILE]` (and what `add_args` adds), the
    MLP's fixed epoch budget not warned about (as in the build), and the USE encoder with its vectors kept under
    DIR/emb_use."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from classifiers.ae.embed_cache import CachedEncoder
    from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--json", type=Path, help=json_help)
    if add_args is not None:
        add_args(ap)
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    return args, CachedEncoder(encoder_for(USE_MULTILINGUAL), args.cache / "emb_use")
