//! Contract tests of atrium-common's stores, run on SQLite + in-process always and on
//! PostgreSQL + Redis when ATRIUM_TEST_DATABASE_URL / ATRIUM_TEST_REDIS_URL are set.

mod db;
mod limits;
