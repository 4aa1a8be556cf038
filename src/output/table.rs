//! Plain aligned columns for human output (`discover`, `list-tickets`, `status --all`): each
//! column as wide as its widest cell (in characters), two spaces between columns, no trailing
//! spaces, an empty cell shown as `-` (so no row is ever blank). Cells are printed through the templates, which make control characters visible.

/// Rows as a template shows them: how many, and the lines (header first).
#[derive(Debug, serde::Serialize)]
pub struct Table {
    /// Rows (without the header).
    pub count: usize,
    /// The header line and one line per row.
    pub lines: Vec<String>,
}

impl Table {
    /// The table of `rows` under `headers`.
    pub fn new(headers: &[&str], rows: &[Vec<String>]) -> Table {
        Table {
            count: rows.len(),
            lines: lines(headers, rows),
        }
    }
}

/// The header line and one line per row.
pub fn lines(headers: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| if c.is_empty() { "-" } else { c.as_str() })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            out.push_str(cell);
            out.extend(std::iter::repeat_n(
                ' ',
                w.saturating_sub(cell.chars().count()),
            ));
        }
        out.trim_end().to_owned()
    };
    std::iter::once(line(headers.to_vec()))
        .chain(rows.iter().map(|r| line(r.clone())))
        .collect()
}

/// The terminal's width when stdout is one (`COLUMNS`, else the window size), for tables that
/// add a column only where it fits.
pub fn stdout_width(columns: Option<&str>) -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    columns
        .and_then(|c| c.trim().parse().ok())
        .or_else(window_width)
}

#[cfg(unix)]
fn window_width() -> Option<usize> {
    let mut size = std::mem::MaybeUninit::<libc::winsize>::zeroed();
    // SAFETY: TIOCGWINSZ writes a winsize into the pointed-to, properly sized buffer.
    let rc = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, size.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: the ioctl succeeded, so the struct was written.
    let cols = unsafe { size.assume_init() }.ws_col;
    (cols > 0).then_some(usize::from(cols))
}

#[cfg(not(unix))]
fn window_width() -> Option<usize> {
    None
}

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn columns_align_on_the_widest_cell() {
        let rows = vec![
            vec![
                "1".to_owned(),
                "Core (COR)".to_owned(),
                "available".to_owned(),
            ],
            vec!["10".to_owned(), "Ü".to_owned(), String::new()],
        ];
        assert_eq!(
            lines(&["#", "Resource", "Status"], &rows),
            [
                "#   Resource    Status",
                "1   Core (COR)  available",
                "10  Ü           -"
            ]
        );
    }
}
