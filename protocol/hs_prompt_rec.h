/*  =========================================================================
    hs_prompt_rec - the work prompt record (工作提示): what the office told
                    the streets, and which of them signed for it

    Owns the layout of a prompt in the store's `prompts` table: its title
    and guidance (指导意见), who issued it and when, the cases it is
    about, its due time, and per street named whether it signed (签收)
    and where its supervision ladder stands (hs_ladder's rung, notices
    and next notice), and the prompt's one timer.
    =========================================================================
*/

#ifndef HS_PROMPT_REC_H_INCLUDED
#define HS_PROMPT_REC_H_INCLUDED

#include "hs_pack.h"

#define HS_PROMPT_MAX_STREETS   64
#define HS_PROMPT_MAX_CASES     16
#define HS_PROMPT_TITLE_MAX     256
#define HS_PROMPT_GUIDANCE_MAX  4096

//  One street a prompt names: it signs for it; until then it is chased.
typedef struct {
    char unit [HS_CODE_MAX + 1];
    int64_t signed_at;                  //  when it signed (daemon clock); 0: not yet
    int64_t next;                       //  its next notice; 0: signed
    int rung;                           //  hs_rung_t reached
    int notices;                        //  notices sent
} hs_prompt_street_t;

typedef struct {
    char id [HS_ID_MAX + 1];            //  `<district>-p<seq of the prompt message>`
    char source [HS_CODE_MAX + 1];      //  who issued it (the office)
    char title [HS_PROMPT_TITLE_MAX + 1];
    char guidance [HS_PROMPT_GUIDANCE_MAX + 1];
    char cases [HS_PROMPT_MAX_CASES][HS_ID_MAX + 1];
    size_t case_count;
    hs_prompt_street_t streets [HS_PROMPT_MAX_STREETS];
    size_t street_count;
    int64_t issued;                     //  handling time of the prompt message
    int64_t due;                        //  the streets sign by then
    int64_t timer_at;                   //  the prompt's one timer (0: none)
} hs_prompt_rec_t;

//  Start a record issued at `issued`, due at `due`, every street's
//  ladder from there (its first notice at `due`). Text is copied (cut to
//  its limit); lists are added with the two functions below.
void hs_prompt_rec_init (hs_prompt_rec_t *prompt, const char *id, const char *source,
                         const char *title, size_t title_size, const char *guidance,
                         size_t guidance_size, int64_t issued, int64_t due);

//  Name a street (once, while there is room). Returns 0, or -1 if full.
int hs_prompt_rec_add_street (hs_prompt_rec_t *prompt, const char *unit);

//  Name a case (once, while there is room). Returns 0, or -1 if full.
int hs_prompt_rec_add_case (hs_prompt_rec_t *prompt, const char *case_id);

//  The street entry of `unit`, or NULL if the prompt does not name it.
hs_prompt_street_t *hs_prompt_rec_street (hs_prompt_rec_t *prompt, const char *unit);

//  Encode / decode the stored record. decode returns 0 or -1.
void hs_prompt_rec_encode (const hs_prompt_rec_t *prompt, hs_pack_t *pack);
int hs_prompt_rec_decode (const void *data, size_t size, hs_prompt_rec_t *prompt);

void hs_prompt_rec_test (bool verbose);

#endif
