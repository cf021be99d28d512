// PNG decoding for the Imaging layer. libpng reports errors with longjmp, which Swift cannot catch,
// so every libpng call happens here behind setjmp and failures come back as a return code and a
// message. The transforms reproduce TensorFlow's decode_png(channels=3): palette and low-bit gray
// expanded, gray replicated to RGB, alpha and tRNS stripped (not composited), 16-bit kept.
#include "cimageshims.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cshims_png_reader {
    png_structp png;
    png_infop info;
    const unsigned char *data;
    size_t size;
    size_t offset;
    int header_done;
    char message[256];
};

static void reader_error(png_structp png, png_const_charp message) {
    cshims_png_reader *reader = (cshims_png_reader *)png_get_error_ptr(png);
    snprintf(reader->message, sizeof reader->message, "%s", message ? message : "libpng error");
    png_longjmp(png, 1);
}

static void reader_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;  // Benign problems (bad ancillary chunks) are ignored, as TensorFlow does.
}

static void reader_read(png_structp png, png_bytep out, png_size_t length) {
    cshims_png_reader *reader = (cshims_png_reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        png_error(png, "file is truncated");
    }
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

cshims_png_reader *cshims_png_open(const void *data, size_t size) {
    cshims_png_reader *reader = calloc(1, sizeof *reader);
    if (!reader) return NULL;
    reader->data = data;
    reader->size = size;
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader, reader_error, reader_warning);
    if (!reader->png) {
        free(reader);
        return NULL;
    }
    reader->info = png_create_info_struct(reader->png);
    if (!reader->info) {
        png_destroy_read_struct(&reader->png, NULL, NULL);
        free(reader);
        return NULL;
    }
    png_set_read_fn(reader->png, reader, reader_read);
    return reader;
}

int cshims_png_read_header(cshims_png_reader *reader, uint32_t *width, uint32_t *height,
                           int *bit_depth) {
    if (setjmp(png_jmpbuf(reader->png))) return -1;
    png_read_info(reader->png, reader->info);
    png_uint_32 w = 0, h = 0;
    int depth = 0, color = 0;
    png_get_IHDR(reader->png, reader->info, &w, &h, &depth, &color, NULL, NULL, NULL);

    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(reader->png);
    if (!(color & PNG_COLOR_MASK_COLOR)) {
        if (depth < 8) png_set_expand_gray_1_2_4_to_8(reader->png);
        png_set_gray_to_rgb(reader->png);
    }
    // Alpha, real or from tRNS (palette expansion turns tRNS into alpha), is dropped, not composited.
    const int has_trns = png_get_valid(reader->png, reader->info, PNG_INFO_tRNS) != 0;
    if ((color & PNG_COLOR_MASK_ALPHA) || has_trns) png_set_strip_alpha(reader->png);
    if (depth == 16) {
        const uint16_t probe = 1;
        if (*(const uint8_t *)&probe == 1) png_set_swap(reader->png);  // host order on little-endian
    }
    png_set_interlace_handling(reader->png);
    png_read_update_info(reader->png, reader->info);

    if (png_get_channels(reader->png, reader->info) != 3) {
        snprintf(reader->message, sizeof reader->message, "unexpected channel count after conversion");
        return -1;
    }
    *width = w;
    *height = h;
    *bit_depth = depth == 16 ? 16 : 8;
    reader->header_done = 1;
    return 0;
}

int cshims_png_read_pixels(cshims_png_reader *reader, void *pixels, size_t row_bytes) {
    if (!reader->header_done) {
        snprintf(reader->message, sizeof reader->message, "header not read");
        return -1;
    }
    png_uint_32 height = png_get_image_height(reader->png, reader->info);
    if (row_bytes < png_get_rowbytes(reader->png, reader->info)) {
        snprintf(reader->message, sizeof reader->message, "row buffer too small");
        return -1;
    }
    png_bytep *rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (!rows) {
        snprintf(reader->message, sizeof reader->message, "out of memory");
        return -1;
    }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = (png_bytep)pixels + (size_t)y * row_bytes;
    // `rows` is volatile-safe: it is not modified between setjmp and a possible longjmp.
    png_bytep *volatile owned = rows;
    if (setjmp(png_jmpbuf(reader->png))) {
        free(owned);
        return -1;
    }
    png_read_image(reader->png, rows);
    // Like TensorFlow, require the rest of the file (up to IEND) to be present and well formed.
    png_read_end(reader->png, NULL);
    free(owned);
    return 0;
}

const char *cshims_png_message(const cshims_png_reader *reader) {
    return reader->message[0] ? reader->message : "unknown PNG error";
}

void cshims_png_close(cshims_png_reader *reader) {
    if (!reader) return;
    png_destroy_read_struct(&reader->png, &reader->info, NULL);
    free(reader);
}
