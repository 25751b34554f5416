"""Training-mix options of the selection round (classifiers/ae/mix.py) and the LODO row options they rely on."""

from __future__ import annotations

import numpy as np

from classifiers.ae.domains import Domain, lodo_scores
from classifiers.ae.mix import LITERATURE_DOMAINS, Mix, mix_weights, noisy

DOMS = [Domain.psytar, Domain.psytar, Domain.psytar, Domain.fr_short, Domain.en_literature]
W = [1.0, 1.0, 1.0, 2.0, 2.0]
AUTH = [False, False, False, True, True]


def test_domain_mix_gives_every_domain_the_same_total_and_keeps_the_sum() -> None:
    w = mix_weights(W, DOMS, AUTH, Mix.domain)
    assert np.isclose(w.sum(), sum(W))
    totals = {d: w[[i for i, x in enumerate(DOMS) if x is d]].sum() for d in set(DOMS)}
    assert np.allclose(list(totals.values()), sum(W) / 3)


def test_rows_and_authored4_mixes() -> None:
    assert np.allclose(mix_weights(W, DOMS, AUTH, Mix.rows), sum(W) / 5)
    w = mix_weights(W, DOMS, AUTH, Mix.authored4)
    assert np.isclose(w.sum(), sum(W)) and np.isclose(w[3] / w[0], 4.0)
    assert np.array_equal(mix_weights(W, DOMS, AUTH, Mix.default), np.asarray(W))


def test_noisy_copy_is_deterministic_and_differs_from_its_original() -> None:
    posts = [("Depuis que je prends ce traitement j'ai des vertiges tous les matins", "fr"),
             ("Started the new pills last week and I am really dizzy because of them", "en")]
    for text, lang in posts:
        assert noisy(text, lang) == noisy(text, lang)
        assert noisy(text, lang) != text


def test_lodo_train_only_rows_never_scored_and_banned_domains_never_trained() -> None:
    doms = [Domain.psytar, Domain.fr_short, Domain.en_literature, Domain.fr_short]  # last row: a train-only copy
    seen: list[tuple[list[int], list[int]]] = []

    def fit_score(tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        seen.append((tr.tolist(), te.tolist()))
        return np.full(te.size, 0.5)

    out = lodo_scores(doms, fit_score, n_eval=3, never_train=LITERATURE_DOMAINS)
    assert out.shape == (3,)
    assert all(2 not in tr for tr, _ in seen)  # literature row never trains
    assert all(3 not in te for _, te in seen)  # the copy is never scored
    assert ([0, 3], [1]) not in seen and ([0], [1]) in seen  # a copy trains only outside its own domain
    assert ([1, 3], [0]) in seen
