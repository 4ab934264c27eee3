# Golden values for tests/test_queries_r.py: R survey package estimates on the fixture survey file.
#
#   Rscript tests/r/participation_golden.R          (from the repository root; needs r-cran-survey)
#
# Reads tests/fixtures/raw/survey_respondents.csv (leading '#' comment lines skipped), derives age_group as the
# ETL does, and per survey wave (each wave its own design svydesign(ids = ~1, weights = ~weight)) writes
# svymean overall and svyby domain means by gender and by age group of volunteered, and of hours_per_month among
# volunteers (domain = volunteers, subset of the wave's design), to tests/r/participation_golden.csv, each with
# its design effect as deff = "replace" gives it (queries/_macros.sql, design_effect).
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
input <- if (length(args) >= 1) args[1] else "tests/fixtures/raw/survey_respondents.csv"
output <- if (length(args) >= 2) args[2] else "tests/r/participation_golden.csv"

lines <- readLines(input, encoding = "UTF-8")
while (length(lines) > 0 && startsWith(lines[1], "#")) lines <- lines[-1]
sep <- if (grepl(";", lines[1], fixed = TRUE)) ";" else ","
dec <- if (sep == ";") "," else "."
d <- read.csv(text = paste(lines, collapse = "\n"), sep = sep, dec = dec, stringsAsFactors = FALSE,
              na.strings = "")

# as etl/survey.py: 16-29, 30-39, 40-49, 50-59, 60-69, 70+
d$age_group <- as.character(cut(d$age, breaks = c(-Inf, 29, 39, 49, 59, 69, Inf), right = TRUE,
                                labels = c("16-29", "30-39", "40-49", "50-59", "60-69", "70+")))

rows <- list()
add <- function(metric, year, dimension, category, estimate, se, n, deff) {
  rows[[length(rows) + 1]] <<- data.frame(metric = metric, year = year, dimension = dimension,
                                          category = category, estimate = estimate, se = se, n = n, deff = deff,
                                          stringsAsFactors = FALSE)
}

for (year in sort(unique(d$year))) {
  wave <- d[d$year == year, ]
  design <- svydesign(ids = ~1, weights = ~weight, data = wave)
  volunteers <- subset(design, volunteered == 1)  # a domain of the wave's design, not a new design

  m <- svymean(~volunteered, design, deff = "replace")
  add("participation_rate", year, "total", "all", coef(m)[[1]], SE(m)[[1]], nrow(wave), deff(m)[[1]])
  m <- svymean(~hours_per_month, volunteers, na.rm = TRUE, deff = "replace")
  add("hours_per_month", year, "total", "all", coef(m)[[1]], SE(m)[[1]],
      sum(wave$volunteered == 1 & !is.na(wave$hours_per_month)), deff(m)[[1]])

  for (dim in c("gender", "age_group")) {
    f <- as.formula(paste0("~", dim))
    b <- svyby(~volunteered, f, design, svymean, deff = "replace")
    counts <- table(wave[[dim]])
    for (i in seq_len(nrow(b))) {
      cat <- as.character(b[[dim]][i])
      add("participation_rate", year, dim, cat, b$volunteered[i], b$se[i], as.integer(counts[[cat]]),
          b$DEff.volunteered[i])
    }
    b <- svyby(~hours_per_month, f, volunteers, svymean, na.rm = TRUE, deff = "replace")
    vol <- wave[wave$volunteered == 1 & !is.na(wave$hours_per_month), ]
    counts <- table(vol[[dim]])
    for (i in seq_len(nrow(b))) {
      cat <- as.character(b[[dim]][i])
      add("hours_per_month", year, dim, cat, b$hours_per_month[i], b$se[i], as.integer(counts[[cat]]),
          b$DEff.hours_per_month[i])
    }
  }
}

out <- do.call(rbind, rows)
out$estimate <- trimws(formatC(out$estimate, digits = 15, format = "g"))
out$se <- trimws(formatC(out$se, digits = 15, format = "g"))
out$deff <- trimws(formatC(out$deff, digits = 15, format = "g"))
write.csv(out, output, row.names = FALSE, quote = FALSE)
cat(sprintf("wrote %d rows to %s (R %s, survey %s)\n", nrow(out), output,
            getRversion(), as.character(packageVersion("survey"))))
