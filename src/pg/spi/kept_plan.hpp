// Statements prepared once per backend and kept (SPI_keepplan), the way every C account operation
// runs its SQL: PostgreSQL plans a kept statement again by itself when an object it names changes
// (a view rebuilt, a function replaced), so a statement is static text, planned once.
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace auth_ext::pg {

// A statement and its parameter types; plan is filled at the first use.
struct KeptPlan {
  const char* query;
  int nargs;
  Oid argtypes[8];
  SPIPlanPtr plan;
};

// Runs kept (inside SPI_connect) with args (nulls: SPI's ' '/'n' per argument, or nullptr for none
// NULL), read_only false so it sees this transaction's writes; raises unless SPI answers expected
// (SPI_OK_SELECT, ...). Returns SPI_processed; the rows are in SPI_tuptable.
uint64 RunKept(KeptPlan& kept, Datum* args, const char* nulls, int expected);

// Column column (1-based) of row row of SPI_tuptable; *isnull set.
Datum ResultColumn(uint64 row, int column, bool* isnull);

// The same as text, palloc'd in the caller's context (outside SPI), or nullptr for NULL.
char* ResultText(uint64 row, int column);

// A copy of a (detoasted) varlena in the caller's context, outside SPI: it outlives SPI_finish.
void* CopyVarlenaOut(const void* value);

// Runs kept, a SELECT of one boolean, in an SPI connection of its own: its value (NULL or no row:
// false).
bool KeptBool(KeptPlan& kept, Datum* args, const char* nulls);

// Connects to SPI, raising an error when it cannot.
void ConnectSpi();

}  // namespace auth_ext::pg
