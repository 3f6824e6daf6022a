/* The value of one hex digit, any case: 0..15, or -1 for another byte. */
#ifndef WR_BASE_HEXDIGIT_H
#define WR_BASE_HEXDIGIT_H

static inline int hex_digit_value(unsigned char c)
{
	if (c - (unsigned)'0' < 10u)
		return c - '0';
	c |= 0x20;
	return c - (unsigned)'a' < 6u ? c - 'a' + 10 : -1;
}

#endif
