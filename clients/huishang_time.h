/*  =========================================================================
    huishang_time - the one owner of times on the client side

    Every time huishang prints or reads is the district's wall time
    (calendar/utc_offset of huishang.cfg; Asia/Shanghai, +08:00, shipped),
    whatever the machine's TZ: no client calls localtime, mktime or
    strftime on its own. With --utc (a script's choice) it is UTC instead,
    for printing and for reading alike.
    =========================================================================
*/

#ifndef HUISHANG_TIME_H_INCLUDED
#define HUISHANG_TIME_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

//  The district's offset from UTC (ms); set once from the config.
void huishang_time_zone (int64_t utc_offset_ms);

//  --utc: print and read UTC instead of the district's time.
void huishang_time_utc (bool utc);

//  The offset in force (0 under --utc).
int64_t huishang_time_offset (void);

//  The zone in force as "+08:00" (or "+00:00" under --utc).
const char *huishang_time_label (void);

//  Unix ms as "YYYY-MM-DD HH:MM:SS" in the zone in force.
void huishang_time_format (int64_t ms, char *buffer, size_t size);

//  The same with the zone: "YYYY-MM-DD HH:MM:SS +08:00", for a time that
//  could be misread (a header, a deadline, a message to a person).
void huishang_time_format_zoned (int64_t ms, char *buffer, size_t size);

//  "HH:MM:SS", and "YYYY-MM-DD", in the zone in force.
void huishang_time_clock (int64_t ms, char *buffer, size_t size);
void huishang_time_date (int64_t ms, char *buffer, size_t size);

//  A TIME argument as Unix ms: "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or
//  "YYYY-MM-DDTHH:MM", seconds optional, in the zone in force unless it
//  ends with its own ("Z", "+08:00", "-05:00", " +08:00"). -1 if invalid.
int64_t huishang_time_parse (const char *text);

void huishang_time_test (bool verbose);

#endif
