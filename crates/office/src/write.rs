//! Table writers: rows go to the file as they come, so that memory does not
//! grow with the number of responses.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    Date32Builder, Float64Builder, Int64Builder, StringBuilder, TimestampMillisecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema as ArrowSchema, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::Value as Json;

use crate::names::neutralise;
use crate::schema::{text, Kind, Row, Table, Typed};

/// How cells are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cells {
    /// Choice labels instead of choice names.
    pub labels: bool,
    /// A UTF-8 byte order mark at the start of each CSV, for Excel.
    pub bom: bool,
    /// CSV cells exactly as answered, without the `'` that keeps
    /// spreadsheet programs from reading an answer as a formula.
    pub raw_csv: bool,
}

/// Writes one table's rows to one file.
pub(crate) trait TableWriter {
    fn row(&mut self, table: &Table, row: &Row<'_>) -> std::io::Result<()>;
    fn finish(self: Box<Self>) -> std::io::Result<()>;
}

pub(crate) struct CsvTable {
    w: csv::Writer<BufWriter<File>>,
    cells: Cells,
}

impl CsvTable {
    pub(crate) fn create(path: &Path, table: &Table, cells: Cells) -> std::io::Result<CsvTable> {
        let mut file = BufWriter::new(File::create(path)?);
        if cells.bom {
            file.write_all("\u{feff}".as_bytes())?;
        }
        let mut t = CsvTable {
            w: csv::Writer::from_writer(file),
            cells,
        };
        let header = table.header();
        t.record(header.iter().map(String::as_str))?;
        Ok(t)
    }

    fn record<'a>(&mut self, fields: impl Iterator<Item = &'a str>) -> std::io::Result<()> {
        let raw = self.cells.raw_csv;
        self.w
            .write_record(fields.map(|s| if raw { s.to_string() } else { neutralise(s) }))
            .map_err(csv_error)
    }
}

fn csv_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

impl TableWriter for CsvTable {
    fn row(&mut self, table: &Table, row: &Row<'_>) -> std::io::Result<()> {
        let labels = self.cells.labels;
        let answers: Vec<String> = table
            .columns
            .iter()
            .zip(&row.answers)
            .map(|(c, v)| text(*v, c, labels))
            .collect();
        self.record(
            answers
                .iter()
                .map(String::as_str)
                .chain(row.keys.iter().map(String::as_str)),
        )
    }

    fn finish(self: Box<Self>) -> std::io::Result<()> {
        let file = self.w.into_inner().map_err(|e| e.into_error())?;
        file.into_inner().map_err(|e| e.into_error())?;
        Ok(())
    }
}

/// How many rows are gathered into one Arrow batch before it is encoded.
const BATCH_ROWS: usize = 4096;

/// The most rows in one Parquet row group, and the most bytes it may take
/// before it is written out: the writer holds one row group per table in
/// memory, encoded, until it is full.
const GROUP_ROWS: usize = 65_536;
const GROUP_BYTES: usize = 32 << 20;

enum ColumnBuilder {
    Text(StringBuilder),
    Integer(Int64Builder),
    Decimal(Float64Builder),
    Date(Date32Builder),
    DateTime(TimestampMillisecondBuilder),
}

impl ColumnBuilder {
    fn new(kind: Kind) -> ColumnBuilder {
        match kind {
            Kind::Text => ColumnBuilder::Text(StringBuilder::new()),
            Kind::Integer => ColumnBuilder::Integer(Int64Builder::new()),
            Kind::Decimal => ColumnBuilder::Decimal(Float64Builder::new()),
            Kind::Date => ColumnBuilder::Date(Date32Builder::new()),
            Kind::DateTime => {
                ColumnBuilder::DateTime(TimestampMillisecondBuilder::new().with_timezone("UTC"))
            }
        }
    }

    fn data_type(kind: Kind) -> DataType {
        match kind {
            Kind::Text => DataType::Utf8,
            Kind::Integer => DataType::Int64,
            Kind::Decimal => DataType::Float64,
            Kind::Date => DataType::Date32,
            Kind::DateTime => DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
        }
    }

    /// Appends a typed value; the schema was widened beforehand so that
    /// every value fits, and one that does not is a null rather than a
    /// panic.
    fn typed(&mut self, value: Option<Typed>) {
        match (self, value) {
            (ColumnBuilder::Integer(b), Some(Typed::Integer(v))) => b.append_value(v),
            (ColumnBuilder::Decimal(b), Some(Typed::Decimal(v))) => b.append_value(v),
            (ColumnBuilder::Date(b), Some(Typed::Date(v))) => b.append_value(v),
            (ColumnBuilder::DateTime(b), Some(Typed::DateTime(v))) => b.append_value(v),
            (ColumnBuilder::Text(b), _) => b.append_null(),
            (ColumnBuilder::Integer(b), _) => b.append_null(),
            (ColumnBuilder::Decimal(b), _) => b.append_null(),
            (ColumnBuilder::Date(b), _) => b.append_null(),
            (ColumnBuilder::DateTime(b), _) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Text(b) => Arc::new(b.finish()),
            ColumnBuilder::Integer(b) => Arc::new(b.finish()),
            ColumnBuilder::Decimal(b) => Arc::new(b.finish()),
            ColumnBuilder::Date(b) => Arc::new(b.finish()),
            ColumnBuilder::DateTime(b) => Arc::new(b.finish()),
        }
    }
}

pub(crate) struct ParquetTable {
    w: ArrowWriter<BufWriter<File>>,
    schema: Arc<ArrowSchema>,
    kinds: Vec<Kind>,
    builders: Vec<ColumnBuilder>,
    rows: usize,
    labels: bool,
}

impl ParquetTable {
    pub(crate) fn create(
        path: &Path,
        table: &Table,
        labels: bool,
    ) -> std::io::Result<ParquetTable> {
        let kinds: Vec<Kind> = table
            .columns
            .iter()
            .map(|c| c.kind)
            .chain((0..table.keys().len()).map(|i| table.key_kind(i)))
            .collect();
        let fields: Vec<Field> = table
            .header()
            .into_iter()
            .zip(&kinds)
            .map(|(name, kind)| Field::new(name, ColumnBuilder::data_type(*kind), true))
            .collect();
        let schema = Arc::new(ArrowSchema::new(fields));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(GROUP_ROWS))
            .set_max_row_group_bytes(Some(GROUP_BYTES))
            .build();
        let file = BufWriter::new(File::create(path)?);
        let w = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(parquet_error)?;
        Ok(ParquetTable {
            w,
            schema,
            builders: kinds.iter().map(|k| ColumnBuilder::new(*k)).collect(),
            kinds,
            rows: 0,
            labels,
        })
    }

    fn flush_batch(&mut self) -> std::io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(ColumnBuilder::finish)
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        self.w.write(&batch).map_err(parquet_error)?;
        self.rows = 0;
        Ok(())
    }
}

fn parquet_error(e: parquet::errors::ParquetError) -> std::io::Error {
    match e {
        parquet::errors::ParquetError::External(inner) => {
            match inner.downcast::<std::io::Error>() {
                Ok(io) => *io,
                Err(other) => std::io::Error::other(other.to_string()),
            }
        }
        other => std::io::Error::other(other.to_string()),
    }
}

impl TableWriter for ParquetTable {
    fn row(&mut self, table: &Table, row: &Row<'_>) -> std::io::Result<()> {
        let values = row
            .answers
            .iter()
            .zip(&table.columns)
            .map(|(v, c)| (*v, Some(c)))
            .chain(row.keys.iter().map(|_| (None, None)));
        let mut keys = row.keys.iter();
        for ((value, column), (builder, kind)) in
            values.zip(self.builders.iter_mut().zip(&self.kinds))
        {
            let key = if column.is_none() { keys.next() } else { None };
            match (builder, key, column) {
                // Text cells are the CSV's, without the `'` against formulas:
                // Parquet is read as data, never as a spreadsheet.
                (ColumnBuilder::Text(b), Some(k), _) => b.append_value(k),
                (ColumnBuilder::Text(b), None, Some(c)) => match value {
                    None | Some(Json::Null) => b.append_null(),
                    Some(_) => b.append_value(text(value, c, self.labels)),
                },
                (b, Some(k), _) => b.typed(Typed::of(&Json::String(k.clone()), *kind)),
                (b, None, _) => b.typed(value.and_then(|v| Typed::of(v, *kind))),
            }
        }
        self.rows += 1;
        if self.rows >= BATCH_ROWS {
            self.flush_batch()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        self.flush_batch()?;
        // Writes the footer, then hands back the file.
        let file = self.w.into_inner().map_err(parquet_error)?;
        file.into_inner().map_err(|e| e.into_error())?;
        Ok(())
    }
}
