// auth_ext.authenticate(), auth_ext.user_id() and auth_ext.claims(): a transaction-scoped identity.
#include "pg/identity/identity.hpp"

#include "pg/jwt/token_verifier.hpp"

extern "C" {
#include "access/parallel.h"
#include "access/xact.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
}

namespace auth_ext::pg {

namespace {

struct Identity {
  bool set;
  SubTransactionId subtransaction;  // the subtransaction that set it
  Jsonb* claims;                    // in TopMemoryContext
  text* user_id;                    // in TopMemoryContext
};

Identity identity = {};

void Clear() {
  if (identity.claims != nullptr) pfree(identity.claims);
  if (identity.user_id != nullptr) pfree(identity.user_id);
  identity = Identity{};
}

void OnXact(XactEvent event, void*) {
  switch (event) {
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PREPARE:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PARALLEL_ABORT:
      Clear();
      break;
    default:
      break;
  }
}

void OnSubXact(SubXactEvent event, SubTransactionId subid, SubTransactionId, void*) {
  // Fail closed: an identity set inside a rolled-back savepoint is dropped, not restored.
  if (event == SUBXACT_EVENT_ABORT_SUB && identity.set && identity.subtransaction == subid) Clear();
}

void RequireLeader(const char* function) {
  if (IsParallelWorker()) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_TRANSACTION_STATE),
                    errmsg("%s cannot run in a parallel worker", function)));
  }
}

}  // namespace

void RegisterIdentityCallbacks() {
  RegisterXactCallback(OnXact, nullptr);
  RegisterSubXactCallback(OnSubXact, nullptr);
}

}  // namespace auth_ext::pg

using auth_ext::pg::identity;

// authenticate(token text) returns jsonb: verifies the token (jwks table or shared secret) and
// makes its sub the identity of the current transaction.
AUTH_EXT_SQL_FUNCTION(auth_ext_authenticate) {
  auth_ext::pg::RequireLeader("auth_ext.authenticate()");
  auth_ext::pg::Clear();  // a failed authentication leaves no identity behind
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  Jsonb* claims = auth_ext::pg::VerifyTokenToJsonb(PG_GETARG_TEXT_PP(0), nullptr, true);
  text* sub = DatumGetTextPP(DirectFunctionCall2(jsonb_object_field_text, JsonbPGetDatum(claims),
                                                 CStringGetTextDatum("sub")));
  MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
  Jsonb* claims_copy = static_cast<Jsonb*>(palloc(VARSIZE(claims)));
  memcpy(claims_copy, claims, VARSIZE(claims));
  text* sub_copy = static_cast<text*>(palloc(VARSIZE_ANY(sub)));
  memcpy(sub_copy, sub, VARSIZE_ANY(sub));
  MemoryContextSwitchTo(old);
  identity.claims = claims_copy;
  identity.user_id = sub_copy;
  identity.subtransaction = GetCurrentSubTransactionId();
  identity.set = true;
  PG_RETURN_JSONB_P(claims);
}

// user_id() returns text: the sub of the token authenticated in this transaction, or NULL.
AUTH_EXT_SQL_FUNCTION(auth_ext_user_id) {
  auth_ext::pg::RequireLeader("auth_ext.user_id()");
  if (!identity.set) PG_RETURN_NULL();
  PG_RETURN_TEXT_P(reinterpret_cast<text*>(PG_DETOAST_DATUM_COPY(PointerGetDatum(identity.user_id))));
}

// claims() returns jsonb: the claims of the token authenticated in this transaction, or NULL.
AUTH_EXT_SQL_FUNCTION(auth_ext_claims) {
  auth_ext::pg::RequireLeader("auth_ext.claims()");
  if (!identity.set) PG_RETURN_NULL();
  PG_RETURN_JSONB_P(reinterpret_cast<Jsonb*>(PG_DETOAST_DATUM_COPY(PointerGetDatum(identity.claims))));
}
