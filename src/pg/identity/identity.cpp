// auth_ext.authenticate(), auth_ext.user_id() and auth_ext.claims(): a transaction-scoped identity.
#include "pg/identity/identity.hpp"

#include "pg/accounts/session_lookup.hpp"
#include "pg/jwt/token_verifier.hpp"
#include "pg/settings.hpp"

extern "C" {
#include "access/parallel.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "utils/fmgrprotos.h"
#include "utils/array.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "lib/stringinfo.h"
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

void OnSubXact(SubXactEvent event, SubTransactionId subid, SubTransactionId parent, void*) {
  if (!identity.set || identity.subtransaction != subid) return;
  switch (event) {
    case SUBXACT_EVENT_ABORT_SUB:
      // Fail closed: an identity set inside a rolled-back savepoint is dropped, not restored.
      Clear();
      break;
    case SUBXACT_EVENT_COMMIT_SUB:
      // A released savepoint's work now belongs to its parent, and so does the identity: rolling
      // the parent back must drop it too.
      identity.subtransaction = parent;
      break;
    default:
      break;
  }
}

// Makes claims (with sub) the identity of the current (sub)transaction.
void SetIdentity(Jsonb* claims, text* sub) {
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
}

// Calls jsonb_object_field or jsonb_object_field_text (object -> key / object ->> key); NULL: no
// such member.
Datum CallJsonbField(PGFunction field, Jsonb* object, const char* key, bool* isnull) {
  LOCAL_FCINFO(call, 2);
  InitFunctionCallInfoData(*call, nullptr, 2, InvalidOid, nullptr, nullptr);
  call->args[0].value = JsonbPGetDatum(object);
  call->args[0].isnull = false;
  call->args[1].value = CStringGetTextDatum(key);
  call->args[1].isnull = false;
  Datum result = field(call);
  *isnull = call->isnull;
  return result;
}

// The member key of a jsonb object as jsonb, or NULL.
Jsonb* JsonbMember(Jsonb* object, const char* key) {
  bool isnull;
  Datum result = CallJsonbField(jsonb_object_field, object, key, &isnull);
  return isnull ? nullptr : DatumGetJsonbP(result);
}

// The member key of a jsonb object as text, or NULL.
text* JsonbMemberText(Jsonb* object, const char* key) {
  bool isnull;
  Datum result = CallJsonbField(jsonb_object_field_text, object, key, &isnull);
  return isnull ? nullptr : DatumGetTextPP(result);
}

Jsonb* JsonbFromText(const char* json) { return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json))); }

// A jsonb string holding value.
Jsonb* JsonbString(text* value) {
  StringInfoData buf;
  initStringInfo(&buf);
  escape_json(&buf, text_to_cstring(value));
  return JsonbFromText(buf.data);
}

// object with key set to value (jsonb_set on a one-element path).
Jsonb* JsonbWithKey(Jsonb* object, const char* key, Jsonb* value) {
  Datum element = CStringGetTextDatum(key);
  ArrayType* path = construct_array(&element, 1, TEXTOID, -1, false, TYPALIGN_INT);
  return DatumGetJsonbP(DirectFunctionCall4(jsonb_set, JsonbPGetDatum(object), PointerGetDatum(path),
                                            JsonbPGetDatum(value), BoolGetDatum(true)));
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
  if (auth_ext::pg::SettingBool(auth_ext::pg::Setting::kJwtRequireLiveSession)) {
    // Checked on every call, after the verified-token cache too: a cached token never outlives its
    // session (sign-out, revocation, password change, deletion, expiry end it at once).
    text* sid = auth_ext::pg::JsonbMemberText(claims, "sid");
    if (sid == nullptr) {
      ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), errmsg("auth_ext: token has no sid claim"),
                      errhint("jwt_require_live_session is on: tokens must carry their session's id as sid "
                              "(the Better Auth plugin adds it through the jwt plugin's definePayload).")));
    }
    if (!auth_ext::pg::SessionIdIsLive(sid, sub)) {
      ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
                      errmsg("auth_ext: the token's session has ended")));
    }
  }
  auth_ext::pg::SetIdentity(claims, sub);
  PG_RETURN_JSONB_P(claims);
}

// authenticate_session(credential text) returns jsonb: validates a Better Auth session (the bare
// token, the signed cookie value, or "Bearer ..."; see get_session) and makes its user the identity
// of the current transaction. Returns {"sub","sid","user","session"} without the session token.
AUTH_EXT_SQL_FUNCTION(auth_ext_authenticate_session) {
  auth_ext::pg::RequireLeader("auth_ext.authenticate_session()");
  auth_ext::pg::Clear();
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  Jsonb* found = auth_ext::pg::GetSession(PG_GETARG_TEXT_PP(0));  // as get_session (owner's rights)
  Jsonb* session = found != nullptr ? auth_ext::pg::JsonbMember(found, "session") : nullptr;
  Jsonb* user = found != nullptr ? auth_ext::pg::JsonbMember(found, "user") : nullptr;
  text* sub = user != nullptr ? auth_ext::pg::JsonbMemberText(user, "id") : nullptr;
  text* sid = session != nullptr ? auth_ext::pg::JsonbMemberText(session, "id") : nullptr;
  if (sub == nullptr || sid == nullptr) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
                    errmsg("session is invalid or expired")));
  }
  Jsonb* public_session =
      DatumGetJsonbP(DirectFunctionCall2(jsonb_delete, JsonbPGetDatum(session), CStringGetTextDatum("token")));
  Jsonb* claims = auth_ext::pg::JsonbFromText("{}");
  claims = auth_ext::pg::JsonbWithKey(claims, "sub", auth_ext::pg::JsonbString(sub));
  claims = auth_ext::pg::JsonbWithKey(claims, "sid", auth_ext::pg::JsonbString(sid));
  claims = auth_ext::pg::JsonbWithKey(claims, "user", user);
  claims = auth_ext::pg::JsonbWithKey(claims, "session", public_session);
  auth_ext::pg::SetIdentity(claims, sub);
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
