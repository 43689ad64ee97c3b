"""The capstone's contract as pydantic models. TODO: write them (see README.md)."""

# The dataset's 13 measurements, in the model's column order. The 12th is named
# "od280/od315_of_diluted_wines" in scikit-learn: a slash makes a poor JSON key.
FEATURES: tuple[str, ...] = (
    "alcohol",
    "malic_acid",
    "ash",
    "alcalinity_of_ash",
    "magnesium",
    "total_phenols",
    "flavanoids",
    "nonflavanoid_phenols",
    "proanthocyanins",
    "color_intensity",
    "hue",
    "od280_od315_of_diluted_wines",
    "proline",
)

# TODO: Wine (the 13 measurements: strict numbers >= 0, nothing else), WineBatch ("instances":
# 1 to 1000 wines), and the answers of /predict and /predict/batch.
