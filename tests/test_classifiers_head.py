"""The embedding head's two families (issue 12, session 16): the logistic head and the one-hidden-layer MLP head,
stored as numpy weights without pickle, and chosen by the build's LODO rule like any other candidate."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from classifiers.ae.build_tier import HEAD_GRID, build_head
from classifiers.ae.domains import Domain
from classifiers.ae.head import MLP_FORMAT, EmbeddingHead, HeadError, HeadKind, HeadSpec
from classifiers.ae.readers import Example

META = {"backbone": "test-backbone", "weight": 0.4}


def xor_data(n: int = 400, dim: int = 6, seed: int = 0) -> tuple[np.ndarray, list[bool]]:
    """An adverse event when exactly one of two directions is on: no linear head can separate it."""
    rng = np.random.default_rng(seed)
    a, b = rng.random(n) < 0.5, rng.random(n) < 0.5
    x = rng.normal(scale=0.3, size=(n, dim)).astype(np.float32)
    x[:, 0] += np.where(a, 1.5, -1.5)
    x[:, 1] += np.where(b, 1.5, -1.5)
    return x, (a ^ b).tolist()


def test_the_mlp_head_scores_as_scikit_learn_does_and_round_trips_without_pickle(tmp_path: Path) -> None:
    from sklearn.neural_network import MLPClassifier

    x, y = xor_data()
    head = EmbeddingHead.fit(x, y, spec=HeadSpec(HeadKind.mlp, 0.1), meta=META)
    ref = MLPClassifier(hidden_layer_sizes=(128,), alpha=0.1, max_iter=60, batch_size=256, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fixed epoch budget may not converge: the head silences it too
        ref.fit(x, np.asarray(y, dtype=int))
    assert head.prob(x) == pytest.approx(ref.predict_proba(x)[:, 1], abs=1e-5)
    assert float(np.mean((head.prob(x) >= 0.5) == np.asarray(y))) > 0.95  # it learnt the interaction
    head.save(tmp_path)
    assert json.loads((tmp_path / "head.json").read_text(encoding="utf-8"))["format"] == MLP_FORMAT
    for name in ("head.npy", "hidden.npy", "hidden_bias.npy"):
        assert np.load(tmp_path / name, allow_pickle=False).dtype == np.float32
    again = EmbeddingHead.load(tmp_path)
    assert again.prob(x) == pytest.approx(head.prob(x), abs=1e-7) and again.meta == head.meta
    assert again.meta["kind"] == "mlp" and again.dim == x.shape[1]
    with pytest.raises(HeadError, match="dimensions"):
        again.prob(np.zeros((1, x.shape[1] + 1), dtype=np.float32))


def test_a_broken_mlp_head_is_refused_with_the_fix(tmp_path: Path) -> None:
    x, y = xor_data()
    EmbeddingHead.fit(x, y, spec=HeadSpec(HeadKind.mlp, 1.0), meta=META).save(tmp_path)
    np.save(tmp_path / "hidden_bias.npy", np.zeros(7, dtype=np.float32), allow_pickle=False)
    with pytest.raises(HeadError, match="does not match.*make model"):
        EmbeddingHead.load(tmp_path)
    (tmp_path / "hidden_bias.npy").unlink()
    with pytest.raises(HeadError, match="hidden_bias.npy.*make model"):
        EmbeddingHead.load(tmp_path)
    # a logistic head saved over it leaves no stale hidden layer behind, and loads as logistic
    EmbeddingHead.fit(x, y, c=1.0, meta=META).save(tmp_path)
    assert not (tmp_path / "hidden.npy").exists()
    assert EmbeddingHead.load(tmp_path).hidden is None


def test_the_build_chooses_among_both_families_by_lodo() -> None:
    """On data whose adverse events are an interaction (XOR), the rule picks an MLP head; with the interaction
    gone (a linear boundary) the logistic head ties or wins, so the choice is the rule's, not a default."""
    assert {s.kind for s in HEAD_GRID} == {HeadKind.logistic, HeadKind.mlp}
    picked = {}
    for name, nonlinear in (("xor", True), ("linear", False)):
        x, y = xor_data(n=480, seed=3)
        if not nonlinear:
            y = (x[:, 0] > 0).tolist()
        examples = [Example(f"t{i}", lab, "en", f"t{i}") for i, lab in enumerate(y)]
        domains = [(Domain.psytar, Domain.en_short, Domain.en_forum)[i % 3] for i in range(len(y))]
        lin = {"linear": np.full(len(y), 0.5)}  # an uninformative linear tier: the head decides
        head, _, _ = build_head(x, examples, [1.0] * len(y), lin, domains, "b", dict(META), log=lambda _: None)
        picked[name] = head.meta.get("kind", "logistic")
        assert min(head.meta["lodo_auc"].values()) > (0.9 if nonlinear else 0.95)
    assert picked["xor"] == "mlp"
    assert str(HeadSpec(HeadKind.mlp, 0.1)) == "mlp alpha=0.1" and str(HeadSpec(HeadKind.logistic, 3)) == "logistic C=3"


def test_an_ensemble_of_seeds_is_the_mean_logit_of_its_members_and_ships_as_one_network(tmp_path: Path) -> None:
    """Session 22: an MLP over several seeds is stored as one wider network; its log-odds are exactly the mean of
    the members' (each fitted as the build fits a single head), and it loads back through the same format."""
    x, y = xor_data()
    members = [EmbeddingHead.fit(x, y, spec=HeadSpec(HeadKind.mlp, 0.1, seed=s), meta=META) for s in range(3)]
    ens = EmbeddingHead.fit(x, y, spec=HeadSpec(HeadKind.mlp, 0.1, seeds=3), meta=META)
    # equal up to the float32 rounding of the stored weights (coef / 3 is rounded once more)
    assert ens.logit(x) == pytest.approx(np.mean([m.logit(x) for m in members], axis=0), abs=1e-5)
    # the members really differ, or the ensemble would average nothing
    assert float(np.max(np.abs(members[0].logit(x) - members[1].logit(x)))) > 1e-3
    assert ens.hidden is not None and ens.hidden[0].shape == (x.shape[1], 3 * 128)
    assert ens.meta["seeds"] == 3 and ens.meta["hidden"] == 384 and "seeds" not in members[0].meta
    ens.save(tmp_path)
    again = EmbeddingHead.load(tmp_path)
    assert again.prob(x) == pytest.approx(ens.prob(x), abs=1e-7) and again.meta == ens.meta


@pytest.mark.parametrize(("spec", "name"), [
    (HeadSpec(HeadKind.mlp, 0.1), "mlp alpha=0.1"),
    (HeadSpec(HeadKind.mlp, 0.1, seeds=5), "mlp alpha=0.1 x5"),
    (HeadSpec(HeadKind.mlp, 1.0, seed=2), "mlp alpha=1 seed=2"),
    (HeadSpec(HeadKind.logistic, 3), "logistic C=3"),
])
def test_head_names_keep_the_single_network_names_of_earlier_builds(spec: HeadSpec, name: str) -> None:
    assert str(spec) == name  # research caches and build logs are keyed by these names


@pytest.mark.parametrize(("kind", "seeds", "seed"), [(HeadKind.mlp, 0, 0), (HeadKind.logistic, 2, 0),
                                                     (HeadKind.logistic, 1, 1)])
def test_a_seed_count_that_means_nothing_is_refused(kind: HeadKind, seeds: int, seed: int) -> None:
    with pytest.raises(HeadError, match="seeds"):
        HeadSpec(kind, 1.0, seeds=seeds, seed=seed)
