//! Image files on disk (`/images/{id}`), one bit per image id. `GET` of a missing file
//! answers 410 Gone, which sends the tab back to the server: the incident's loop.

/// The set of image files that exist.
pub type Files = u32;

/// Whether image `img`'s file exists.
pub fn exists(files: Files, img: u8) -> bool {
    files & (1 << img) != 0
}

/// Writes image `img`'s file.
pub fn write(files: &mut Files, img: u8) {
    *files |= 1 << img;
}

/// Deletes image `img`'s file (`cleanupOldFile`).
pub fn delete(files: &mut Files, img: u8) {
    *files &= !(1 << img);
}
