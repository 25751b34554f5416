"""Reviewer decisions as labelled data for `pvwatch train --from-decisions`.

Each item's latest decision note that carries an adverse-event label counts once: dismissed as not an adverse
event (not_adverse_event, not_about_product, off_topic, spam) -> False; confirmed or escalated -> True.
Dismissals for other reasons (duplicate, other) say nothing about the text and are left out."""

from __future__ import annotations

from pvwatch.storage.base import Store


def labelled_examples(store: Store) -> list[tuple[str, str | None, bool]]:
    """(text, lang, is_adverse_event) for every item a reviewer has decided on."""
    out: list[tuple[str, str | None, bool]] = []
    for item in store.items.iter_all():
        label: bool | None = None
        for note in item.notes:
            if note.get("kind") == "decision" and note.get("ae_label") is not None:
                label = bool(note["ae_label"])
        if label is not None and item.post.text.strip():
            out.append((item.post.text, item.analysis.lang or item.post.lang, label))
    return out
