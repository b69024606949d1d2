<?php

declare(strict_types=1);

namespace Acme\Money;

final class Money
{
    public static function total(string ...$amounts): string
    {
        $sum = '0';
        foreach ($amounts as $amount) {
            $sum = bcadd($sum, $amount, 2);
        }
        return $sum;
    }

    public static function format(string $amount, string $locale, string $currency): string
    {
        $formatter = new \NumberFormatter($locale, \NumberFormatter::CURRENCY);
        return $formatter->formatCurrency((float) $amount, $currency);
    }
}
