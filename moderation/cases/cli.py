"""`pvwatch case list | show ID | export ID --format e2b|csv | export --due --out DIR`.

`export --due` writes every valid open case whose current version has not been written yet, as
`<case id>-v<version>.xml`, where a safety-database gateway picks files up. It is idempotent: a second run
writes nothing until a case changes; each written file gets a `case.export_e2b` audit record. Not-yet-valid
cases are skipped (and listed): they are not ICSRs until the four minimum criteria are met.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from moderation.audit import record
from moderation.queue.service import Actor
from moderation.roles import Role
from pvwatch.cli.options import cli_actor as cli_name
from pvwatch.cli.options import command_group
from pvwatch.errors import PvwatchError
from pvwatch.models import Case

case_app = command_group("PV cases: list, show and export (E2B(R3) XML or CSV).")


def cli_actor() -> Actor:
    # Whoever runs the CLI on the server holds the store already; the audit names them.
    return Actor(cli_name(), Role.admin)


def _line(c: Case) -> str:
    valid = "valid" if c.valid else "NOT YET VALID"
    return (f"{c.id}  {c.status.value:<9} {'serious' if c.serious else 'non-serious':<11} {valid:<13} "
            f"due {c.due_at:%Y-%m-%d}  {c.product or '-'}  {len(c.reactions)} reaction(s)")


def export_due(svc: object, out: Path) -> tuple[list[str], list[str], list[str]]:
    """(written, unchanged, skipped-not-valid) case ids."""
    from moderation.cases.e2b import build_e2b
    from moderation.cases.service import CaseService

    assert isinstance(svc, CaseService)
    out.mkdir(parents=True, exist_ok=True)
    actor = cli_actor()
    written, unchanged, skipped = [], [], []
    for case in svc.list_cases(actor):
        if not case.status.is_open:
            continue
        if not case.valid:
            skipped.append(case.id)
            continue
        target = out / f"{case.id}-v{case.version}.xml"
        if target.exists():
            unchanged.append(case.id)
            continue
        data = build_e2b(case, svc.item_of(case), sender=svc.cfg.cases.sender_id, receiver=svc.cfg.cases.receiver_id)
        tmp = target.with_suffix(".xml.part")  # the gateway never sees a half-written file
        tmp.write_bytes(data)
        tmp.replace(target)
        record(svc.store, actor.username, "case.export_e2b", "case", case.id, None,
               {"file": target.name, "version": case.version})
        written.append(case.id)
    return written, unchanged, skipped


def register(app: typer.Typer) -> None:
    from pvwatch.cli.options import ConfigOpt, handle_errors

    def _service(config: Path):  # type: ignore[no-untyped-def]
        from moderation.cases.service import CaseService
        from pvwatch.config import load_config
        from pvwatch.storage import open_store

        cfg = load_config(config)
        store = open_store(cfg)
        return store, CaseService(cfg, store)

    @case_app.command("list")
    @handle_errors
    def case_list(config: Path = ConfigOpt, status: str = typer.Option("", help="open, follow_up, submitted, closed."),
                  as_json: bool = typer.Option(False, "--json")) -> None:
        """Cases with status, seriousness, validity and due date."""
        store, svc = _service(config)
        with store:
            cases = svc.list_cases(cli_actor(), status or None)
        if as_json:
            typer.echo(json.dumps([c.model_dump(mode="json", exclude={"source_text"}) for c in cases], indent=1))
            return
        for c in cases:
            typer.echo(_line(c))
        typer.echo(f"{len(cases)} case(s)")

    @case_app.command("show")
    @handle_errors
    def case_show(case_id: str = typer.Argument(...), config: Path = ConfigOpt) -> None:
        """One case as the PV officer sees it."""
        store, svc = _service(config)
        with store:
            c = svc.get(cli_actor(), case_id)
        typer.echo(_line(c))
        if c.missing:
            typer.echo(f"missing minimum information: {', '.join(c.missing)}")
        typer.echo(f"patient: initials {c.patient.initials or '-'}, age {c.patient.age or '-'}, "
                   f"sex {c.patient.sex.name if c.patient.sex else '-'}")
        typer.echo(f"reporter: {c.reporter.qualification.name}, country {c.reporter.country or '-'}")
        typer.echo(f"seriousness: {', '.join(x.value for x in c.criteria) or 'non-serious'}")
        for r in c.reactions:
            code = (f"LLT {r.coding.llt_code} {r.coding.llt_name} / PT {r.coding.pt_code} {r.coding.pt_name} "
                    f"(MedDRA {r.coding.version}, {r.coding.method.value})") if r.coding else "free text (not coded)"
            typer.echo(f"reaction: {r.reported} -> {code}")
        for lk in c.links:
            typer.echo(f"link: {lk.kind.value} {lk.case_id} ({lk.reason})")
        typer.echo("text: " + " ".join(c.source_text.split()))

    @case_app.command("export")
    @handle_errors
    def case_export(
        case_id: str = typer.Argument(None, help="The case to export (omit with --due)."),
        fmt: str = typer.Option("e2b", "--format", help="e2b (ICH E2B(R3) XML) or csv."),
        due: bool = typer.Option(False, "--due", help="Write every valid open case not yet written to --out."),
        out: Path = typer.Option(None, "--out", help="File (one case) or folder (--due); default stdout."),
        config: Path = ConfigOpt,
    ) -> None:
        """Export one case, or with --due every case awaiting submission (audited, idempotent)."""
        from moderation.cases.csv_export import cases_csv
        from moderation.cases.e2b import build_e2b

        store, svc = _service(config)
        with store:
            if due:
                folder = out or (svc.cfg.resolve(svc.cfg.cases.export_dir) if svc.cfg.cases.export_dir else None)
                if folder is None:
                    raise PvwatchError("--due needs --out DIR (or [cases] export_dir in config.toml)")
                written, unchanged, skipped = export_due(svc, folder)
                typer.echo(f"{len(written)} written, {len(unchanged)} unchanged, {len(skipped)} not yet valid "
                           f"(skipped: {', '.join(skipped) or 'none'}) -> {folder}")
                return
            if not case_id:
                raise PvwatchError("give a case id, or --due --out DIR")
            actor = cli_actor()
            case = svc.get(actor, case_id)
            if fmt == "e2b":
                data = build_e2b(case, svc.item_of(case), sender=svc.cfg.cases.sender_id,
                                 receiver=svc.cfg.cases.receiver_id)
            elif fmt == "csv":
                data = cases_csv([(case, svc.item_of(case))]).encode("utf-8")
            else:
                raise PvwatchError(f"--format {fmt!r}: use e2b or csv")
            record(store, actor.username, f"case.export_{fmt}", "case", case.id, None, {"cli": True})
        if out:
            out.write_bytes(data)
            typer.echo(f"wrote {out}")
        else:
            typer.echo(data.decode("utf-8"), nl=False)

    app.add_typer(case_app, name="case")
