"""Train the embedding head and calibrate the sensitivity presets (called by `make model`).

Everything is chosen on leave-one-domain-out (LODO) scores of the shippable training data (classifiers/ae/
domains.py; protocol in docs/benchmarks.md): the head's C, the blend weight, the cascade cut-off, and each
preset's threshold per language. A domain's scores come from a model that never saw that domain, so choices
favour what transfers to an unseen register rather than what fits our own templates. No evaluation corpus is
read here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from classifiers.ae.domains import DOMAINS_BY_LANG, Domain, distinct_index, per_domain_auc
from classifiers.ae.head import EmbeddingHead, HeadKind, HeadSpec, sigmoid
from classifiers.ae.head_lodo import fit_single_threaded, head_lodo_logits
from classifiers.ae.metrics import threshold_for_recall
from classifiers.ae.readers import Example
from classifiers.ae.sensitivity import ANY_LANG, TARGET_RECALL

C_GRID = (0.3, 1.0, 3.0)
MLP_ALPHAS = (0.1, 1.0, 10.0)
# The head candidates the build chooses among (session 16 added the one-hidden-layer family: docs/benchmarks.md)
HEAD_GRID = tuple(HeadSpec(HeadKind.logistic, c) for c in C_GRID) + tuple(HeadSpec(HeadKind.mlp, a)
                                                                          for a in MLP_ALPHAS)
WEIGHT_GRID = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
TIE = 0.002  # mean-AUC differences below this are noise: the worst domain decides
CASCADE_KEEP = 0.99  # share of each domain's LODO adverse events the cascade must still send to the encoder

Groups = dict[str, list[list[int]]]  # language -> index lists (distinct posts), one per domain


@dataclass
class Calibration:
    presets: dict[str, dict[str, float]]
    recall: dict[str, dict[str, float]]  # recall each preset reaches, per language and domain
    flagged: dict[str, dict[str, float]]  # share of posts flagged, per language and domain


def average_precision(scores: Sequence[float], labels: Sequence[bool]) -> float:
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    y = np.asarray(labels, dtype=bool)[order]
    if not y.any():
        return 0.0
    hits = np.cumsum(y)
    return float(np.sum(hits[y] / (np.flatnonzero(y) + 1)) / y.sum())


def domain_groups(examples: Sequence[Example], domains: Sequence[Domain]) -> Groups:
    """Per language, the distinct posts of each of its LODO domains (DOMAINS_BY_LANG)."""
    out: Groups = {}
    for lang, doms in DOMAINS_BY_LANG.items():
        out[lang] = [idx for d in doms if (idx := distinct_index(examples, domains, d))]
    return out


def calibrate(scores: Sequence[float], examples: Sequence[Example], groups: Groups,
              names: dict[str, list[str]] | None = None) -> Calibration:
    """Per preset and language: the lowest of the thresholds reaching the preset's recall on each of the
    language's groups (the hardest domain sets it); ANY_LANG takes the lowest over the languages."""
    presets: dict[str, dict[str, float]] = {}
    recall: dict[str, dict[str, float]] = {}
    flagged: dict[str, dict[str, float]] = {}
    for sens, target in TARGET_RECALL.items():
        p, r, f = presets.setdefault(sens.value, {}), recall.setdefault(sens.value, {}), flagged.setdefault(
            sens.value, {})
        for lang, gs in groups.items():
            ts = []
            for idx in gs:
                y = [examples[i].label for i in idx]
                if any(y):
                    # rounded down: rounding up could drop the positive that sets the threshold below the target
                    ts.append(math.floor(threshold_for_recall([float(scores[i]) for i in idx], y, target) * 1e4)
                              / 1e4)
            if not ts:
                continue
            p[lang] = min(ts)
            for n, idx in enumerate(gs):
                name = f"{lang}/{(names or {}).get(lang, [])[n]}" if names else f"{lang}/{n}"
                s = [float(scores[i]) for i in idx]
                y = [examples[i].label for i in idx]
                if any(y):
                    r[name] = round(sum(1 for a, b in zip(s, y, strict=True) if b and a >= p[lang]) / sum(y), 4)
                f[name] = round(sum(a >= p[lang] for a in s) / len(s), 4)
        if p:
            p[ANY_LANG] = min(p.values())
    return Calibration(presets, recall, flagged)


def group_names(examples: Sequence[Example], domains: Sequence[Domain]) -> dict[str, list[str]]:
    return {lang: [d.value for d in doms if distinct_index(examples, domains, d)]
            for lang, doms in DOMAINS_BY_LANG.items()}


Key = tuple[str, HeadSpec, float]  # (linear-tier candidate, head, blend weight)
K = TypeVar("K", bound=tuple[Any, ...])  # research scripts key their own candidates the same way


def choose(aucs: dict[K, dict[str, float]]) -> K:
    """The protocol: highest mean AUC over the domains; within TIE of it, the best worst domain."""
    mean = {k: float(np.nanmean(list(v.values()))) for k, v in aucs.items()}
    top = max(mean.values())
    near = [k for k in aucs if mean[k] >= top - TIE]
    return max(near, key=lambda k: (float(np.nanmin(list(aucs[k].values()))), mean[k]))


def build_head(x: np.ndarray, examples: Sequence[Example], weights: Sequence[float],
               linear_lodo: dict[str, np.ndarray], domains: Sequence[Domain], backbone: str, meta: dict[str, Any],
               log: Callable[[str], None] = print, n_eval: int | None = None) -> tuple[EmbeddingHead, Calibration, str]:
    """Chooses, jointly, the linear-tier candidate (by its LODO scores), the head's C and the blend weight;
    returns the head (fitted on everything), its calibration and the chosen linear candidate's name. Rows from
    `n_eval` on only ever train (classifiers/build_model.train_only_data): never scored, never calibrated on."""
    labels = np.asarray([e.label for e in examples], dtype=bool)
    n = len(examples) if n_eval is None else n_eval
    scored, sdoms = examples[:n], domains[:n]
    wts = np.asarray(weights, dtype=np.float64)
    heads = {s: sigmoid(z) for s, z in head_lodo_logits(x, labels, wts, domains, HEAD_GRID, n_eval).items()}
    aucs: dict[Key, dict[str, float]] = {}
    for spec in HEAD_GRID:
        for name, lin in linear_lodo.items():
            for w in WEIGHT_GRID:
                k = (name, spec, w)
                aucs[k] = per_domain_auc((1 - w) * lin + w * heads[spec], scored, sdoms)
                log(f"  linear {name}, head {spec}, weight={w:g}: LODO AUC mean "
                    f"{np.nanmean(list(aucs[k].values())):.4f} {aucs[k]}")
    name, spec, w = choose(aucs)
    lin = linear_lodo[name]
    blended = (1 - w) * lin + w * heads[spec]
    cal = calibrate(blended.tolist(), scored, domain_groups(scored, sdoms), group_names(scored, sdoms))
    cascade = cascade_cut(lin, labels[:n], sdoms, w, cal)
    log(f"  chosen linear {name}, head {spec}, weight={w:g}; cascade: encoder for linear score >= {cascade:.4f}")
    head = fit_single_threaded(x, labels.tolist(), wts, spec, {
        **meta, "backbone": backbone, "weight": w, "cascade_below": cascade, "presets": cal.presets,
        "linear_candidate": name, "lodo_recall": cal.recall, "lodo_flagged": cal.flagged,
        "lodo_auc": aucs[(name, spec, w)], "target_recall": {s.value: r for s, r in TARGET_RECALL.items()}})
    return head, cal, name


def cascade_cut(lin: np.ndarray, labels: np.ndarray, domains: Sequence[Domain], w: float, cal: Calibration) -> float:
    """The highest linear score below which at most 1 - CASCADE_KEEP of any domain's LODO adverse events fall,
    capped so that a skipped post's score, (1 - w) * linear, stays under every preset threshold."""
    d = np.asarray([x.value for x in domains])
    cuts = []
    for dom in Domain:
        pos = np.sort(lin[(d == dom.value) & labels])
        if len(pos):
            cuts.append(float(pos[int(np.floor((1 - CASCADE_KEEP) * len(pos)))]))
    lowest = min(t for by_lang in cal.presets.values() for t in by_lang.values())
    return round(min([*cuts, lowest / (1 - w)]), 4)
