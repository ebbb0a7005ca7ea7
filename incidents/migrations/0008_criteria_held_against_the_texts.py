"""A new active version of the grading criteria: the 2012 CSRC criteria for reference only
(a repealed source never proposes a grade), the 2021 grading table's structure as an inactive
template for an officer to fill in."""

from django.db import migrations

from incidents.seed import revise_criteria


class Migration(migrations.Migration):
    dependencies = [("incidents", "0007_criteria_combine_conditions")]

    operations = [migrations.RunPython(revise_criteria, migrations.RunPython.noop)]
