"""The network's directory: associations and competences, shared resources and allocations,
programmes with partners, components and places taken, practice notes and endorsements."""

from typing import Any

from projections.projection import Handler, Projection, Recorded, Table, Writer, handles
from projections.store import day, ident, moment

HANDLERS: dict[str, list[Handler]] = {}


class DirectoryProjection(Projection):
    name = "directory"
    version = 2
    tables = {
        "associations": Table(
            "association_id TEXT PRIMARY KEY, name TEXT NOT NULL, territory TEXT NOT NULL,"
            " registered_at TEXT NOT NULL, position BIGINT NOT NULL",
            ("(territory)", "(position)"),
        ),
        "competences": Table(
            "association_id TEXT NOT NULL, domain TEXT NOT NULL, monthly_capacity INTEGER,"
            " description TEXT, PRIMARY KEY (association_id, domain)",
            ("(domain)",),
        ),
        "resources": Table(
            "resource_id TEXT PRIMARY KEY, association_id TEXT NOT NULL, kind TEXT NOT NULL,"
            " name TEXT NOT NULL, capacity INTEGER NOT NULL, offered_at TEXT NOT NULL,"
            " withdrawn_at TEXT, position BIGINT NOT NULL",
            ("(association_id)",),
        ),
        "allocations": Table(
            "allocation_id TEXT PRIMARY KEY, resource_id TEXT NOT NULL, programme_id TEXT,"
            " association_id TEXT, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL,"
            " quantity INTEGER NOT NULL, released_at TEXT",
            ("(resource_id)",),
        ),
        "programmes": Table(
            "programme_id TEXT PRIMARY KEY, name TEXT NOT NULL, capacity INTEGER,"
            " starts_on TEXT, ends_on TEXT, closed_at TEXT, enrolled INTEGER NOT NULL,"
            " launched_at TEXT NOT NULL, position BIGINT NOT NULL",
            ("(position)",),
        ),
        "partners": Table(
            "programme_id TEXT NOT NULL, association_id TEXT NOT NULL,"
            " PRIMARY KEY (programme_id, association_id)"
        ),
        "components": Table(
            "programme_id TEXT NOT NULL, association_id TEXT NOT NULL, domain TEXT NOT NULL,"
            " PRIMARY KEY (programme_id, association_id, domain)"
        ),
        "notes": Table(
            "note_id TEXT PRIMARY KEY, association_id TEXT NOT NULL, title TEXT NOT NULL,"
            " body TEXT NOT NULL, domains TEXT NOT NULL, programme_id TEXT,"
            " published_at TEXT NOT NULL, revisions INTEGER NOT NULL, position BIGINT NOT NULL",
            ("(position)",),
        ),
        "studies": Table(
            "study_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, registered_at TEXT NOT NULL"
        ),
        "endorsements": Table(
            "note_id TEXT NOT NULL, association_id TEXT NOT NULL, endorsed_at TEXT NOT NULL,"
            " PRIMARY KEY (note_id, association_id)"
        ),
    }
    handlers = HANDLERS


def _competence(w: Writer, association: str, competence: Any) -> None:
    w.execute(
        "DELETE FROM {competences} WHERE association_id = ? AND domain = ?",
        (association, competence.domain.value),
    )
    w.execute(
        "INSERT INTO {competences} (association_id, domain, monthly_capacity, description)"
        " VALUES (?, ?, ?, ?)",
        (
            association,
            competence.domain.value,
            competence.monthly_capacity,
            competence.description,
        ),
    )


@handles(HANDLERS, "Association.Registered")
def _registered(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "INSERT INTO {associations} (association_id, name, territory, registered_at, position)"
        " VALUES (?, ?, ?, ?, ?)",
        (r.stream, e.name, e.territory, r.recorded_moment, r.position),
    )
    for competence in e.competences:
        _competence(w, r.stream, competence)


@handles(HANDLERS, "Association.CompetenceDeclared")
def _competence_declared(w: Writer, r: Recorded) -> None:
    _competence(w, r.stream, r.event.competence)


@handles(HANDLERS, "Association.CompetenceWithdrawn")
def _competence_withdrawn(w: Writer, r: Recorded) -> None:
    w.execute(
        "DELETE FROM {competences} WHERE association_id = ? AND domain = ?",
        (r.stream, r.event.domain.value),
    )


@handles(HANDLERS, "SharedResource.Offered")
def _offered(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "INSERT INTO {resources} (resource_id, association_id, kind, name, capacity, offered_at,"
        " position) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            r.stream,
            str(e.association_id),
            e.kind.value,
            e.name,
            e.capacity,
            r.recorded_moment,
            r.position,
        ),
    )


@handles(HANDLERS, "SharedResource.Withdrawn")
def _resource_withdrawn(w: Writer, r: Recorded) -> None:
    w.execute(
        "UPDATE {resources} SET withdrawn_at = ? WHERE resource_id = ?",
        (moment(r.event.withdrawn_at), r.stream),
    )


@handles(HANDLERS, "SharedResource.Allocated")
def _allocated(w: Writer, r: Recorded) -> None:
    a = r.event.allocation
    w.execute(
        "INSERT INTO {allocations} (allocation_id, resource_id, programme_id, association_id,"
        " starts_on, ends_on, quantity) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            str(a.id),
            r.stream,
            ident(a.programme_id),
            ident(a.association_id),
            day(a.starts_on),
            day(a.ends_on),
            a.quantity,
        ),
    )


@handles(HANDLERS, "SharedResource.Released")
def _released(w: Writer, r: Recorded) -> None:
    w.execute(
        "UPDATE {allocations} SET released_at = ? WHERE allocation_id = ?",
        (r.recorded_moment, str(r.event.allocation_id)),
    )


@handles(HANDLERS, "Programme.Launched")
def _launched(w: Writer, r: Recorded) -> None:
    e, programme = r.event, r.stream
    w.execute(
        "INSERT INTO {programmes} (programme_id, name, capacity, starts_on, ends_on, enrolled,"
        " launched_at, position) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
        (
            programme,
            e.name,
            e.capacity,
            day(e.starts_on),
            day(e.ends_on),
            r.recorded_moment,
            r.position,
        ),
    )
    w.executemany(
        "INSERT INTO {partners} (programme_id, association_id) VALUES (?, ?)",
        [(programme, str(a)) for a in e.partners],
    )
    w.executemany(
        "INSERT INTO {components} (programme_id, association_id, domain) VALUES (?, ?, ?)",
        [(programme, str(c.association_id), c.domain.value) for c in e.components],
    )


@handles(HANDLERS, "Programme.PartnerJoined")
def _partner_joined(w: Writer, r: Recorded) -> None:
    programme, association = r.stream, str(r.event.association_id)
    w.execute(
        "INSERT INTO {partners} (programme_id, association_id) VALUES (?, ?)",
        (programme, association),
    )
    w.executemany(
        "INSERT INTO {components} (programme_id, association_id, domain) VALUES (?, ?, ?)",
        [(programme, association, d.value) for d in r.event.domains],
    )


@handles(HANDLERS, "Programme.PartnerLeft")
def _partner_left(w: Writer, r: Recorded) -> None:
    params = (r.stream, str(r.event.association_id))
    w.execute("DELETE FROM {partners} WHERE programme_id = ? AND association_id = ?", params)
    w.execute("DELETE FROM {components} WHERE programme_id = ? AND association_id = ?", params)


@handles(HANDLERS, "Programme.Closed")
def _programme_closed(w: Writer, r: Recorded) -> None:
    w.execute(
        "UPDATE {programmes} SET closed_at = ? WHERE programme_id = ?",
        (moment(r.event.closed_at), r.stream),
    )


@handles(HANDLERS, "Programme.PlaceTaken", "Programme.PlaceReleased")
def _places(w: Writer, r: Recorded) -> None:
    step = 1 if r.name.endswith("PlaceTaken") else -1
    w.execute(
        "UPDATE {programmes} SET enrolled = enrolled + ? WHERE programme_id = ?",
        (step, r.stream),
    )


@handles(HANDLERS, "PracticeNote.Published")
def _published(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "INSERT INTO {notes} (note_id, association_id, title, body, domains, programme_id,"
        " published_at, revisions, position) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
        (
            r.stream,
            ident(e.actor.association_id),
            e.title.token,
            e.body.token,
            ",".join(d.value for d in e.domains),
            ident(e.programme_id),
            moment(e.published_at),
            r.position,
        ),
    )


@handles(HANDLERS, "PracticeNote.Revised")
def _revised(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "UPDATE {notes} SET title = ?, body = ?, revisions = revisions + 1 WHERE note_id = ?",
        (e.title.token, e.body.token, r.stream),
    )


@handles(HANDLERS, "PracticeNote.Endorsed")
def _endorsed(w: Writer, r: Recorded) -> None:
    w.execute(
        "INSERT INTO {endorsements} (note_id, association_id, endorsed_at) VALUES (?, ?, ?)",
        (r.stream, str(r.event.association_id), r.recorded_moment),
    )


@handles(HANDLERS, "PracticeNote.Erased")
def _note_erased(w: Writer, r: Recorded) -> None:
    """An erased note leaves the lists: its title and body no longer open anyway."""
    w.execute("DELETE FROM {endorsements} WHERE note_id = ?", (r.stream,))
    w.execute("DELETE FROM {notes} WHERE note_id = ?", (r.stream,))


@handles(HANDLERS, "Study.Registered")
def _study_registered(w: Writer, r: Recorded) -> None:
    w.execute(
        "INSERT INTO {studies} (study_id, name, registered_at) VALUES (?, ?, ?)",
        (r.stream, r.event.name, moment(r.event.registered_at)),
    )
