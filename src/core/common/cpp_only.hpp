// Guard included last by every file under src/core: the core is pure C++ and must never see
// PostgreSQL's headers (their longjmp-based error handling does not mix with C++ destructors).
#pragma once
#ifdef POSTGRES_H
#error "src/core must not include postgres.h: keep Postgres calls in src/pg"
#endif
