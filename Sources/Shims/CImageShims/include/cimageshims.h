#ifndef CIMAGESHIMS_H
#define CIMAGESHIMS_H
#include <stddef.h>
#include <stdint.h>

/// An in-memory PNG reader whose libpng errors (longjmp) are caught in C; see png_reader.c.
/// Output is RGB, 8 bits, or 16 bits in host byte order, converted as TensorFlow's decode_png(channels=3).
typedef struct cshims_png_reader cshims_png_reader;

/// Opens a reader over `size` bytes at `data` (not copied: keep them alive). NULL when out of memory.
cshims_png_reader *cshims_png_open(const void *data, size_t size);

/// Reads the header and sets up the conversion. Returns 0, or -1 with cshims_png_message set.
int cshims_png_read_header(cshims_png_reader *reader, uint32_t *width, uint32_t *height, int *bit_depth);

/// Decodes all rows into `pixels` (height rows of `row_bytes`). Returns 0, or -1 with a message.
int cshims_png_read_pixels(cshims_png_reader *reader, void *pixels, size_t row_bytes);

/// The last error's text.
const char *cshims_png_message(const cshims_png_reader *reader);

/// Frees the reader (NULL is allowed).
void cshims_png_close(cshims_png_reader *reader);

#endif
