/*
 * vcard_sw.h - the ISO/IEC 7816-4 status words the applet's handlers answer
 * (docs/apdu.md, "Status words"); the applet's own policy words (69Fx) are
 * in vcard.h.
 */
#ifndef PORTFOLIO_VCARD_SW_H
#define PORTFOLIO_VCARD_SW_H

#define SW_OK            0x9000
#define SW_VERIFY_FAILED 0x6300
#define SW_WRONG_LENGTH  0x6700
#define SW_SECURITY      0x6982
#define SW_CONDITIONS    0x6985
#define SW_BAD_DATA      0x6A80
#define SW_WRONG_P1P2    0x6A86
#define SW_REF_NOT_FOUND 0x6A88
#define SW_INTERNAL      0x6F00

#endif
