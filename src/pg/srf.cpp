// Materialized set-returning function setup across PostgreSQL versions.
#include "pg/postgres_headers.hpp"

extern "C" {
#include "funcapi.h"
#include "utils/tuplestore.h"
}

namespace auth_ext::pg {

void BeginMaterializedSrf(FunctionCallInfo fcinfo) {
#if PG_VERSION_NUM >= 150000
  InitMaterializedSRF(fcinfo, 0);
#else
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  if (rsinfo == nullptr || !IsA(rsinfo, ReturnSetInfo) || (rsinfo->allowedModes & SFRM_Materialize) == 0) {
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("set-valued function called in context that cannot accept a set")));
  }
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE) {
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH), errmsg("return type must be a row type")));
  }
  MemoryContext old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
  rsinfo->returnMode = SFRM_Materialize;
  rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
  rsinfo->setDesc = CreateTupleDescCopy(desc);
  MemoryContextSwitchTo(old);
#endif
}

}  // namespace auth_ext::pg
