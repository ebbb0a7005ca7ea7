"""REST endpoints. Every queryset goes through the visibility rule (accounts.policy): staff see
only their own assignments and the courses they are assigned to."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import policy

from . import services
from .models import Course, CourseMaterial, Drill, QuizAttempt, TrainingAssignment, TrainingPlan
from .serializers import (
    AssignmentSerializer,
    AttemptSerializer,
    CourseSerializer,
    DrillSerializer,
    FeedbackSerializer,
    MarkReadSerializer,
    PlanSerializer,
    SubmitSerializer,
)


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        return TrainingPlan.objects.visible_to(self.request.user).order_by("-year")

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = services.plan_approve(plan=self.get_object(), actor=request.user)
        return Response(PlanSerializer(plan).data)


class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CourseSerializer
    filterset_fields = ["plan", "status"]

    def get_queryset(self):
        return (
            Course.objects.visible_to(self.request.user)
            .prefetch_related("materials")
            .order_by("due_date", "pk")
        )


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer
    filterset_fields = ["course", "status", "user"]

    def get_queryset(self):
        return (
            TrainingAssignment.objects.visible_to(self.request.user)
            .select_related("course")
            .order_by("due_date", "pk")
        )

    @extend_schema(request=MarkReadSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request, pk=None):
        assignment = self.get_object()
        ser = MarkReadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        material = None
        if ser.validated_data.get("material"):
            material = get_object_or_404(
                CourseMaterial, pk=ser.validated_data["material"], course=assignment.course
            )
        assignment = services.assignment_mark_read(
            assignment=assignment, material=material, actor=request.user
        )
        return Response(AssignmentSerializer(assignment).data)

    @extend_schema(request=None, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        assignment = services.assignment_acknowledge(
            assignment=self.get_object(), actor=request.user
        )
        return Response(AssignmentSerializer(assignment).data)

    @extend_schema(request=None, responses=AttemptSerializer)
    @action(detail=True, methods=["post"], url_path="quiz/start")
    def quiz_start(self, request, pk=None):
        attempt = services.quiz_start(assignment=self.get_object(), actor=request.user)
        return Response(AttemptSerializer(attempt).data)

    @extend_schema(request=SubmitSerializer, responses=AttemptSerializer)
    @action(detail=True, methods=["post"], url_path="quiz/submit")
    def quiz_submit(self, request, pk=None):
        assignment = self.get_object()
        # Asked before the answers are read: only the assignee takes the quiz.
        policy.require(request.user, "training.assignment.take", assignment)
        ser = SubmitSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        attempt = get_object_or_404(
            QuizAttempt, pk=ser.validated_data["attempt"], assignment=assignment
        )
        attempt = services.quiz_submit(
            attempt=attempt, answers=ser.validated_data["answers"], actor=request.user
        )
        return Response(AttemptSerializer(attempt).data)

    @extend_schema(request=FeedbackSerializer, responses=None)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        ser = FeedbackSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.feedback_submit(
            assignment=self.get_object(), actor=request.user, **ser.validated_data
        )
        return Response({"ok": True})


class DrillViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DrillSerializer
    filterset_fields = ["year", "status", "drill_type"]

    def get_queryset(self):
        return (
            Drill.objects.visible_to(self.request.user)
            .prefetch_related("objectives", "participants", "observers")
            .order_by("-scheduled_at")
        )

    @extend_schema(request=None, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        drill = services.drill_start(drill=self.get_object(), actor=request.user)
        return Response(DrillSerializer(drill).data)
