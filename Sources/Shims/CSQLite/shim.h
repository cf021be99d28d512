#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H
#include <sqlite3.h>
// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift does not import.
static inline void (*csqlite_transient(void))(void *) { return SQLITE_TRANSIENT; }
#endif
