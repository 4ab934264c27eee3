# Golden values for tests/test_wave_change.py: the change in the share who volunteered between the demo's two waves
# of the national survey (SFI/VIVE), 2020 -> 2024, computed with R's survey package.
#
#   Rscript tests/r/wave_change_golden.R [OUT]      (from the repository root after `make demo`; needs r-cran-survey)
#
# Reads the demo survey (data/raw/demo/survey_respondents.csv, deterministic: `python -m etl demo`), keeps the two
# waves of the national series, derives age_group as the ETL does and region from data/reference/municipalities.csv.
# The two waves are independent samples, each its own design svydesign(ids = ~1, weights = ~weight); stacked, they
# are one design stratified by wave (strata = ~year), which gives every wave's domain means exactly the variance of
# its own design and zero covariance between the waves. Per breakdown (total, gender, age group, region) and
# category: svyby(~volunteered, ~year + category, svymean, covmat = TRUE), then svycontrast(b, c(-1, 1)) over the
# category's 2020 and 2024 means: the change 2024 - 2020 and its SE; the 95 % interval change +/- 1.959964 SE;
# verdict 'reliable' when it excludes 0. Writes tests/r/wave_change_golden.csv.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
output <- if (length(args) >= 1) args[1] else "tests/r/wave_change_golden.csv"
later <- 2024
earlier <- 2020

lines <- readLines("data/raw/demo/survey_respondents.csv", encoding = "UTF-8")
while (length(lines) > 0 && startsWith(lines[1], "#")) lines <- lines[-1]
d <- read.csv(text = paste(lines, collapse = "\n"), stringsAsFactors = FALSE, na.strings = "")
d <- d[d$series == "national" & d$year %in% c(earlier, later), ]
stopifnot(setequal(unique(d$year), c(earlier, later)))
munis <- read.csv("data/reference/municipalities.csv", stringsAsFactors = FALSE)
d$age_group <- as.character(cut(d$age, breaks = c(-Inf, 29, 39, 49, 59, 69, Inf), right = TRUE,
                                labels = c("16-29", "30-39", "40-49", "50-59", "60-69", "70+")))
d$region <- as.character(munis$regionskode[match(d$municipality_code, munis$kommunekode)])
d$total <- "all"
design <- svydesign(ids = ~1, strata = ~year, weights = ~weight, data = d)

z <- 1.959964  # the 95 % multiplier as the query layer states it (queries/_macros.sql); qnorm(0.975) differs by 1.5e-8
rows <- list()
for (dim in c("total", "gender", "age_group", "region")) {
  b <- svyby(~volunteered, as.formula(paste0("~year + ", dim)), design, svymean, covmat = TRUE)
  for (cat in sort(unique(as.character(b[[dim]])))) {
    w <- setNames(rep(0, nrow(b)), names(coef(b)))
    w[b$year == earlier & b[[dim]] == cat] <- -1
    w[b$year == later & b[[dim]] == cat] <- 1
    ct <- svycontrast(b, w)
    est <- coef(ct)[[1]]
    se <- SE(ct)[[1]]
    low <- est - z * se
    high <- est + z * se
    rows[[length(rows) + 1]] <- data.frame(
      dimension = dim, category = cat, year = later, since = earlier, estimate = est, se = se, ci_low = low,
      ci_high = high, n = sum(d$year == later & d[[dim]] == cat), n_since = sum(d$year == earlier & d[[dim]] == cat),
      verdict = if (low > 0 || high < 0) "reliable" else "not_reliable", stringsAsFactors = FALSE)
  }
}
out <- do.call(rbind, rows)
write.csv(out, output, row.names = FALSE, quote = FALSE)
