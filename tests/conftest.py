"""Shared fixtures: real database files (SQLite) and a real server (PostgreSQL), a fixed clock, accounts.

Service tests take ``engine``, which runs each test on SQLite and — when ``ZHIHUI_TEST_PG_URL`` is set, as
``.ci/run`` does — on PostgreSQL too, each in a fresh, migrated schema.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services.accounts import NewStaff, actor_for, add_staff, system_actor
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.settings import CourtSettings

# The demo court and every snapshot live on this moment: a Friday morning.
FIXED_NOW = datetime(2026, 11, 27, 9, 30)
PG_URL = os.environ.get("ZHIHUI_TEST_PG_URL")
PASSWORD = "correct-horse-42"


@pytest.fixture(autouse=True, scope="session")
def _audit_files_outside_the_repo(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[None]:
    """The audit key and seal log default to ./data: keep every test's out of the repository, in a folder all
    xdist workers of the run share (a database one worker builds, another verifies with the same key)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base if worker_id == "master" else base.parent) / "audit"
    folder.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZHIHUI_AUDIT_KEY_FILE", str(folder / "audit.key"))
        patch.setenv("ZHIHUI_AUDIT_SEAL_LOG", str(folder / "audit-seal.log"))
        patch.setenv("ZHIHUI_LOG_FILE", str(folder / "zhihui.log"))
        yield


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes() -> Iterator[None]:
    """Signing in must not pay a production-strength argon2 hash in every test: hash with the cheapest argon2id
    parameters for the session. A verify reads the parameters from the hash, so another process (race tests)
    still verifies these hashes with its own default hasher."""
    from argon2 import PasswordHasher

    from zhihui_tui.services.accounts import use_password_hasher

    previous = use_password_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    use_password_hasher(previous)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'zhihui.db'}"


def _admin(statement: str) -> None:
    assert PG_URL
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(statement))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_url(worker_id: str) -> Iterator[str]:
    """One PostgreSQL database per test run and xdist worker, so parallel runs never share a schema."""
    if not PG_URL:
        pytest.skip("ZHIHUI_TEST_PG_URL not set")
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))[:8]
    name = f"zhihui_test_{run}_{worker_id}"
    _admin(f'CREATE DATABASE "{name}"')
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty database of each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'zhihui.db'}"
    url: str = request.getfixturevalue("pg_url")
    reset_postgres(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database of each engine."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def system(engine: Engine) -> Actor:
    return system_actor(engine)


CALENDAR = load_calendar(None)  # the packaged holiday data only: no court files from ./data
COURT = CourtSettings()


def context_for(engine: Engine, actor: Actor, clock: FixedClock, *, data_dir: Path | None = None) -> ServiceContext:
    """The context a service call takes, as a terminal session or a command builds it (``ctx.acting(other)``
    switches the person)."""
    return ServiceContext(
        engine=engine,
        clock=clock,
        calendar=CALENDAR,
        actor=actor,
        court=COURT,
        data_dir=data_dir or Path("data").resolve(),
    )


@pytest.fixture
def ctx(engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path) -> ServiceContext:
    """A context on the test's database, acting as the batch account; ``ctx.acting(actor)`` for anyone else."""
    return context_for(engine, system, clock, data_dir=tmp_path / "data")


def make_staff(
    engine: Engine,
    clock: FixedClock,
    login: str,
    *roles: Role,
    name: str = "测试人员",
    team: Team | None = None,
    title: Title | None = None,
) -> Actor:
    """Create an account through the service (as the batch account) and return its Actor."""
    add_staff(
        engine,
        NewStaff(login=login, name=name, roles=roles, password=PASSWORD, team=team, title=title),
        actor=system_actor(engine),
        clock=clock,
    )
    return actor_for(engine, login)
