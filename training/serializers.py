from rest_framework import serializers

from .models import (
    AttemptAnswer,
    Choice,
    Course,
    CourseMaterial,
    Drill,
    DrillObjective,
    QuizAttempt,
    TrainingAssignment,
    TrainingPlan,
)


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingPlan
        fields = ["id", "year", "title", "description", "status", "approved_by", "approved_at"]


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseMaterial
        fields = ["id", "kind", "title", "url", "body", "position"]


class CourseSerializer(serializers.ModelSerializer):
    materials = MaterialSerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "plan",
            "title",
            "summary",
            "topics",
            "duration_minutes",
            "due_date",
            "pass_mark",
            "questions_per_attempt",
            "max_attempts",
            "acknowledgement_text",
            "status",
            "materials",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = TrainingAssignment
        fields = [
            "id",
            "course",
            "course_title",
            "user",
            "status",
            "due_date",
            "is_overdue",
            "materials_read_at",
            "acknowledged_at",
            "completed_at",
            "best_score",
            "attempts_used",
        ]


class ChoicePublicSerializer(serializers.ModelSerializer):
    """Answer choices as a trainee sees them: never whether they are correct."""

    class Meta:
        model = Choice
        fields = ["id", "text"]


class AttemptQuestionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="question.id")
    text = serializers.CharField(source="question.text", read_only=True)
    kind = serializers.CharField(source="question.kind", read_only=True)
    choices = ChoicePublicSerializer(source="question.choices", many=True)

    class Meta:
        model = AttemptAnswer
        fields = ["id", "text", "kind", "choices", "selected", "correct"]


class AttemptSerializer(serializers.ModelSerializer):
    questions = AttemptQuestionSerializer(source="answers", many=True, read_only=True)

    class Meta:
        model = QuizAttempt
        fields = ["id", "number", "started_at", "submitted_at", "score", "passed", "questions"]


class MarkReadSerializer(serializers.Serializer):
    material = serializers.IntegerField(required=False)


class SubmitSerializer(serializers.Serializer):
    attempt = serializers.IntegerField()
    answers = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))


class FeedbackSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comments = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DrillObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = DrillObjective
        fields = ["id", "description", "success_criteria", "result", "result_notes"]


class DrillSerializer(serializers.ModelSerializer):
    objectives = DrillObjectiveSerializer(many=True, read_only=True)

    class Meta:
        model = Drill
        fields = [
            "id",
            "year",
            "title",
            "scenario",
            "drill_type",
            "incident_category",
            "incident_grade",
            "scheduled_at",
            "coordinator",
            "participants",
            "observers",
            "status",
            "incident",
            "started_at",
            "completed_at",
            "summary",
            "lessons",
            "objectives",
        ]
