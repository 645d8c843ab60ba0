//! `cargo perfkit report`'s document: [`data`] reads what it shows from the store (through the
//! commands' one judging path), [`plots`] draws the SVG, [`page`] writes the HTML around it.

pub mod data;
pub mod page;
pub mod plots;
