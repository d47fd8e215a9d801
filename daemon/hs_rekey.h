/*  =========================================================================
    hs_rekey - store formats 4, 5 and 8: records moved to their current keys

    A store of format 3 or before keyed cases, their history and meetings
    by the id as text; format 4 keys them in the form hs_idkey spells, so
    that a new case or meeting is appended to its table instead of landing
    among older ones. At start, before anything else writes, this moves
    every record of those three tables to its current key, a chunk to a
    write transaction; the tables' owners say what the current form of
    each key is (hs_idkey_map, hs_ledger_history_map).
    A store of format 4 or before spelled a correlation key with the
    category before the enterprise's name; format 5 puts it after, so
    that it sorts beside the enterprise's window (hs_caseindex_map). The
    windows themselves are moved by their owner (hs_warnings_upgrade).
    Format 8 keeps an enterprise's window and correlation keys as one
    record (hs_caseindex_merge_work), merged once the windows are there.
    =========================================================================
*/

#ifndef HS_REKEY_H_INCLUDED
#define HS_REKEY_H_INCLUDED

#include "hs_txn.h"

//  Bring a store below format 4 to its keys; logs how many records moved.
//  Nothing to do on a store of format 4. Returns 0 or -1.
int hs_rekey_store (hs_txn_t *txn);

//  Bring a store below format 8 to one caseindex record an enterprise;
//  after hs_warnings_upgrade (the windows in caseindex), before anything
//  that saves a case. Logs how many entries merged. Returns 0 or -1.
int hs_rekey_merge (hs_txn_t *txn);

void hs_rekey_test (bool verbose);

#endif
