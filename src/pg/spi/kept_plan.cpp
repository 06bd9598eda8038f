// Kept SPI statements: prepared at the first use, kept for the backend's life.
#include "pg/spi/kept_plan.hpp"

extern "C" {
#include "utils/builtins.h"
}

namespace auth_ext::pg {

namespace {

SPIPlanPtr PlanFor(KeptPlan& kept) {
  if (kept.plan != nullptr) return kept.plan;
  SPIPlanPtr plan = SPI_prepare(kept.query, kept.nargs, kept.argtypes);
  if (plan == nullptr) elog(ERROR, "auth_ext: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
  if (SPI_keepplan(plan) != 0) elog(ERROR, "auth_ext: SPI_keepplan failed");
  kept.plan = plan;
  return plan;
}

}  // namespace

uint64 RunKept(KeptPlan& kept, Datum* args, const char* nulls, int expected) {
  int rc = SPI_execute_plan(PlanFor(kept), args, nulls, false, 0);
  if (rc != expected) elog(ERROR, "auth_ext: account statement failed: %s", SPI_result_code_string(rc));
  return SPI_processed;
}

Datum ResultColumn(uint64 row, int column, bool* isnull) {
  return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, column, isnull);
}

char* ResultText(uint64 row, int column) {
  bool isnull = false;
  Datum value = ResultColumn(row, column, &isnull);
  if (isnull) return nullptr;
  text* t = DatumGetTextPP(value);
  const size_t len = VARSIZE_ANY_EXHDR(t);
  char* copy = static_cast<char*>(SPI_palloc(len + 1));
  memcpy(copy, VARDATA_ANY(t), len);
  copy[len] = '\0';
  return copy;
}

void* CopyVarlenaOut(const void* value) {
  const size_t size = VARSIZE_ANY(value);
  void* copy = SPI_palloc(size);
  memcpy(copy, value, size);
  return copy;
}

bool KeptBool(KeptPlan& kept, Datum* args, const char* nulls) {
  ConnectSpi();
  bool isnull = true;
  const bool value = RunKept(kept, args, nulls, SPI_OK_SELECT) > 0 && DatumGetBool(ResultColumn(0, 1, &isnull)) && !isnull;
  SPI_finish();
  return value;
}

void ConnectSpi() {
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "auth_ext: SPI_connect failed");
}

}  // namespace auth_ext::pg
